using Xunit;

namespace Lookalike.TestKit;

/// <summary>
/// What a test needs from the machine (a data set, root, a mount). When it is missing the test is reported
/// <em>Skipped</em> with the reason — never Passed — and under <c>LOOKALIKE_REQUIRE_ALL=1</c> (set by <c>.ci/run</c>)
/// it fails instead, so CI cannot go green on a test that did not run. Tests that call this are
/// <c>[SkippableFact]</c>/<c>[SkippableTheory]</c>; in a plain <c>[Fact]</c> a skip reads as a failure.
/// </summary>
public static class Require
{
    public const string Variable = "LOOKALIKE_REQUIRE_ALL";

    /// <summary>True when every test must run (CI).</summary>
    public static bool All => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Skips the test (or fails it under <see cref="Variable"/>=1) unless <paramref name="condition"/> holds.</summary>
    public static void That(bool condition, string reason)
    {
        if (condition) return;
        if (All) Assert.Fail($"{Variable}=1 and this test cannot run here: {reason}");
        throw new SkipException(reason);
    }

    /// <summary><c>../shared/datasets/NAME</c>, or a skip when it is absent.</summary>
    public static string SharedDataset(string name)
    {
        string? path = RepositoryPaths.SharedDataset(name);
        That(path is not null, $"../shared/datasets/{name} is absent beside the repository");
        return path!;
    }

    /// <summary>Root on Linux (mounts, ownership changes, <see cref="Privileges"/>).</summary>
    public static void Root(string why) =>
        That(OperatingSystem.IsLinux() && Environment.UserName == "root", $"{why} needs root on Linux (user {Environment.UserName})");
}

using System.Globalization;

namespace Lookalike.Reliability.Tests;

/// <summary>
/// Sizes of the reliability tests: small, bounded defaults for CI; the soak scripts in <c>bench/</c> raise them
/// through environment variables (see docs/reliability.md).
/// </summary>
internal static class SoakSettings
{
    /// <summary>
    /// Images the crash test indexes (<c>LOOKALIKE_CRASH_IMAGES</c>, default 160; beyond 250 the samples are copied under
    /// other names). More than two write batches (64), so a run commits mid-way by size even on a machine fast enough
    /// to embed 60 photos within one time-based flush (a mid-batch kill then never found a commit to land after).
    /// </summary>
    public static int CrashImages => Read("LOOKALIKE_CRASH_IMAGES", 160);

    /// <summary>
    /// SIGKILLs the crash test delivers (<c>LOOKALIKE_CRASH_KILLS</c>, default 4): one during start-up, one before the
    /// first commit, one during the HNSW refresh, and the rest (at least one) mid-batch.
    /// </summary>
    public static int CrashKills => Read("LOOKALIKE_CRASH_KILLS", 4);

    /// <summary>Seed of the kill moments (<c>LOOKALIKE_CRASH_SEED</c>, default 7).</summary>
    public static int CrashSeed => Read("LOOKALIKE_CRASH_SEED", 7);

    /// <summary>Seconds readers and writers run together (<c>LOOKALIKE_CONCURRENCY_SECONDS</c>, default 5).</summary>
    public static int ConcurrencySeconds => Read("LOOKALIKE_CONCURRENCY_SECONDS", 5);

    /// <summary>Index every hostile file (<c>LOOKALIKE_HOSTILE_ALL=1</c>); by default every third, to keep CI short. Decoding always takes all.</summary>
    public static bool HostileIndexAll => Read("LOOKALIKE_HOSTILE_ALL", 0) == 1;

    /// <summary>Seconds of decoder mutation fuzzing (<c>LOOKALIKE_FUZZ_SECONDS</c>, default 10).</summary>
    public static int FuzzSeconds => Read("LOOKALIKE_FUZZ_SECONDS", 10);

    private static int Read(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : fallback;
}

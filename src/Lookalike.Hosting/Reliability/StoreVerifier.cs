using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Reliability;

/// <summary>The outcome of <see cref="StoreVerifier.Verify"/>; healthy when no finding is an error.</summary>
public sealed record VerifyReport(string Location, int Items, long Generation, string? Model, int Dimension, IReadOnlyList<VerifyFinding> Findings)
{
    public bool Healthy => Findings.All(f => f.Severity != VerifySeverity.Error);
}

/// <summary>
/// <c>lookalike verify</c>: checks a store without changing it. Each adapter checks the files it writes: the storage
/// adapter its database and vector file (<see cref="IStoreFileCheck"/>), the search adapter its HNSW cache's header
/// against the store (a stale or damaged cache is a note: it is rebuilt on the next load). Safe beside a running
/// <c>index</c> or <c>serve</c>.
/// </summary>
public static class StoreVerifier
{
    /// <exception cref="LookalikeException">NotFound when there is no store database in <paramref name="location"/>.</exception>
    public static VerifyReport Verify(string location)
    {
        string full = Path.GetFullPath(location);
        var files = LookalikeComponents.CreateStoreFileCheck().Check(full);
        var findings = files.Findings.ToList();
        if (files.Complete) findings.AddRange(LookalikeComponents.InspectIndexCache(full, files.Model, files.Dimension, files.Generation));
        return new VerifyReport(full, files.Items, files.Generation, files.Model, files.Dimension, findings);
    }
}

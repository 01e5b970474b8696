using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Search.USearch;
using Lookalike.Storage.Sqlite;

namespace Lookalike.Hosting.Reliability;

/// <summary>The outcome of <see cref="StoreVerifier.Verify"/>; healthy when no finding is an error.</summary>
public sealed record VerifyReport(string Location, int Items, long Generation, string? Model, int Dimension, IReadOnlyList<VerifyFinding> Findings)
{
    public bool Healthy => Findings.All(f => f.Severity != VerifySeverity.Error);
}

/// <summary>
/// Checks a store without changing it: SQLite <c>PRAGMA integrity_check</c>, the model binding, every vector's
/// model id, dimension, finiteness and norm (vectors are L2-normalised at ingest), duplicate ids, and the HNSW
/// cache's header against the store (a stale or damaged cache is a note: it is rebuilt on the next load).
/// Opens the database read-only, so it is safe beside a running <c>index</c> or <c>serve</c>.
/// </summary>
public static class StoreVerifier
{
    /// <summary>How far a stored vector's L2 norm may be from 1.</summary>
    public const double NormTolerance = SqliteStoreVerifier.NormTolerance;

    /// <exception cref="LookalikeException">NotFound when there is no store database in <paramref name="location"/>.</exception>
    public static VerifyReport Verify(string location)
    {
        string full = Path.GetFullPath(location);
        string db = Path.Combine(full, "catalog.db");
        if (!File.Exists(db))
            throw LookalikeException.NotFound(full, $"No Lookalike store at {full} (no catalog.db).");
        var findings = new List<VerifyFinding>();
        string reindex = $"re-index: 'lookalike index <folder> --store {full}' (unchanged, healthy items are skipped)";
        string rebuild = $"move {full} aside and rebuild it with 'lookalike index <folder> --store {full}'";
        var (items, generation, model, dimension, readable) = SqliteStoreVerifier.Check(db, findings, reindex, rebuild);
        if (!readable) return new VerifyReport(full, items, generation, model, dimension, findings);
        findings.AddRange(HnswIndexCache.Inspect(full, model, dimension, generation));
        return new VerifyReport(full, items, generation, model, dimension, findings);
    }
}

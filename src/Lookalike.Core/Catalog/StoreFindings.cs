namespace Lookalike.Core.Catalog;

/// <summary>How bad a finding is: an <see cref="Error"/> makes the store unhealthy; a <see cref="Note"/> does not.</summary>
public enum VerifySeverity
{
    Note,
    Error,
}

/// <summary>One thing <c>lookalike verify</c> found: what is wrong and how to repair it.</summary>
public sealed record VerifyFinding(VerifySeverity Severity, string Check, string Problem, string Repair);

/// <summary>What a store's own files hold, as the storage adapter's check read them (<see cref="IStoreFileCheck"/>).</summary>
/// <param name="Complete">
/// False when the check had to stop early (no schema yet, not a store, an unreadable database): files derived from the
/// store, such as an index cache, have nothing to be checked against.
/// </param>
public sealed record StoreFileReport(int Items, long Generation, string? Model, int Dimension, bool Complete, IReadOnlyList<VerifyFinding> Findings);

/// <summary>
/// The storage adapter's half of <c>lookalike verify</c>: checks the store's database and vector file without changing
/// them (safe beside a running writer), and says how to repair what it finds.
/// </summary>
public interface IStoreFileCheck
{
    /// <param name="location">The store folder (a full path).</param>
    /// <exception cref="Errors.LookalikeException">NotFound when there is no store in <paramref name="location"/>.</exception>
    StoreFileReport Check(string location);
}

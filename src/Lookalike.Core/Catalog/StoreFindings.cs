namespace Lookalike.Core.Catalog;

/// <summary>How bad a finding is: an <see cref="Error"/> makes the store unhealthy; a <see cref="Note"/> does not.</summary>
public enum VerifySeverity
{
    Note,
    Error,
}

/// <summary>One thing <c>lookalike verify</c> found: what is wrong and how to repair it.</summary>
public sealed record VerifyFinding(VerifySeverity Severity, string Check, string Problem, string Repair);

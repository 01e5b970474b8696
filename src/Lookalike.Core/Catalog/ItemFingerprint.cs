namespace Lookalike.Core.Catalog;

/// <summary>What incremental indexing compares to decide whether a file changed.</summary>
public readonly record struct ItemFingerprint(string ContentHash, long SizeBytes, DateTimeOffset ModifiedUtc);

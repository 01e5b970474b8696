using Lookalike.Core.Catalog;

namespace Lookalike.Hosting.Ingest;

/// <summary>One <c>lookalike index</c> run.</summary>
/// <param name="Folder">Folder to index, recursively; hidden entries (names starting with '.') are skipped.</param>
/// <param name="Labels">Metadata per item id, e.g. from a labels CSV; null keeps stored metadata.</param>
/// <param name="Prune">Remove stored items whose file has vanished.</param>
public sealed record IngestRequest(
    string Folder,
    IReadOnlyDictionary<ItemId, IReadOnlyDictionary<string, string>>? Labels = null,
    bool Prune = false);

using Lookalike.Core.Catalog;

namespace Lookalike.Hosting.Feeds;

/// <summary>An image URL of the feed that was not fetched, and why.</summary>
/// <param name="Id">The product's feed id.</param>
/// <param name="Url">Its image URL.</param>
/// <param name="Status">The HTTP status when one came.</param>
/// <param name="Reason">What went wrong (e.g. "HTTP 404 Not Found", "a redirect to file:// is refused").</param>
/// <param name="KeptPrevious">True when an image fetched by an earlier run is kept for the item.</param>
public sealed record FeedFetchFailure(string Id, string Url, int? Status, string Reason, bool KeptPrevious);

/// <summary>What <see cref="FeedImageMirror.SyncAsync"/> did.</summary>
/// <param name="Labels">Metadata per item id, for every image in the mirror (what indexing the folder should store).</param>
public sealed record FeedMirrorResult(
    IReadOnlyDictionary<ItemId, IReadOnlyDictionary<string, string>> Labels,
    int Fetched,
    int NotModified,
    int Pruned,
    IReadOnlyList<FeedFetchFailure> Failures);

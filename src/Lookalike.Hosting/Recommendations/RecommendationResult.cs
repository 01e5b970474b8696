using System.Text.Json.Serialization;
using Lookalike.Hosting.Query;

namespace Lookalike.Hosting.Recommendations;

/// <summary>Who the recommendations are for and how they were made.</summary>
public sealed record RecommendationQuery
{
    /// <summary><c>user</c> (a stored user), <c>session</c> (anonymous likes/dislikes/photos) or <c>item</c> (an item page).</summary>
    public required string Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? User { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Item { get; init; }

    public required string Strategy { get; init; }

    /// <summary>Items with a non-zero signal in the person's history (0: a cold user).</summary>
    public int HistoryItems { get; init; }

    /// <summary>The hybrid's weights, when the hybrid answered.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Weights { get; init; }

    /// <summary>A remark for people (e.g. why the list is short or empty).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }
}

/// <summary>The answer of <c>recommend</c>: same shape on the CLI (<c>--json</c>) and over HTTP.</summary>
public sealed record RecommendationResult(RecommendationQuery Query, IReadOnlyList<RankedItem> Results);

/// <summary>The answer for an item page: people also bought, looks like, and both blended.</summary>
public sealed record AlsoResultView(RecommendationQuery Query, IReadOnlyList<RankedItem> BoughtTogether, IReadOnlyList<RankedItem> LooksLike, IReadOnlyList<RankedItem> Blended);

/// <summary>What storing feedback did.</summary>
/// <param name="Stored">Events written (repeats of an already imported source are skipped).</param>
/// <param name="ChangedItems">Item columns of the CF matrix that changed.</param>
/// <param name="RecomputedLists">Neighbour lists recomputed in full by the incremental refresh.</param>
public sealed record FeedbackReceipt(int Stored, int ChangedItems, int RecomputedLists);

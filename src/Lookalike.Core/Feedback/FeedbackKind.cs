namespace Lookalike.Core.Feedback;

/// <summary>What a person told us or did. Stored by name (lower case) so the numbering may change.</summary>
public enum FeedbackKind
{
    /// <summary>Explicit: a rating of <see cref="FeedbackEvent.Item"/>, <see cref="FeedbackEvent.Value"/> 1–5 stars.</summary>
    Rating,
    /// <summary>Explicit: thumbs up.</summary>
    Like,
    /// <summary>Explicit: thumbs down.</summary>
    Dislike,
    /// <summary>Implicit: bought the item (repeat purchases are separate events).</summary>
    Purchase,
    /// <summary>Implicit: looked at the item's page.</summary>
    View,
    /// <summary>Explicit: chose <see cref="FeedbackEvent.Item"/> over <see cref="FeedbackEvent.Other"/>.</summary>
    Prefer,
    /// <summary>
    /// Explicit: one place of an ordered list, <see cref="FeedbackEvent.Value"/> = position (1 = most liked),
    /// <see cref="FeedbackEvent.Context"/> = the list's id. Expanded into pairwise preferences when read.
    /// </summary>
    Ranking,
    /// <summary>
    /// Explicit: list membership; <see cref="FeedbackEvent.Context"/> = list name, <see cref="FeedbackEvent.Value"/>
    /// 1 = added (default), 0 = removed. The latest event per (item, list) decides.
    /// </summary>
    Favorite,
    /// <summary>
    /// Implicit: searched with <see cref="FeedbackEvent.Context"/> (a query image or item id) and clicked
    /// <see cref="FeedbackEvent.Item"/>; <see cref="FeedbackEvent.Other"/> is the query item when it is one.
    /// </summary>
    Search,
}

/// <summary>Names of <see cref="FeedbackKind"/> as stored and typed (<c>rating</c>, <c>like</c>, …).</summary>
public static class FeedbackKinds
{
    public static string Name(FeedbackKind kind) => kind switch
    {
        FeedbackKind.Rating => "rating",
        FeedbackKind.Like => "like",
        FeedbackKind.Dislike => "dislike",
        FeedbackKind.Purchase => "purchase",
        FeedbackKind.View => "view",
        FeedbackKind.Prefer => "prefer",
        FeedbackKind.Ranking => "ranking",
        FeedbackKind.Favorite => "favorite",
        FeedbackKind.Search => "search",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Every kind's name, in declaration order.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<FeedbackKind>().Select(Name).ToArray();

    /// <summary>Parses a kind name case-insensitively; accepts the plural and <c>favourite</c>/<c>click</c> spellings.</summary>
    public static bool TryParse(string? text, out FeedbackKind kind)
    {
        kind = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string t = text.Trim().ToLowerInvariant();
        if (t is "favourite" or "favourites" or "favorites") { kind = FeedbackKind.Favorite; return true; }
        if (t is "click" or "clicks") { kind = FeedbackKind.Search; return true; }
        foreach (var k in Enum.GetValues<FeedbackKind>())
        {
            string name = Name(k);
            if (t == name || t == name + "s") { kind = k; return true; }
        }
        return false;
    }
}

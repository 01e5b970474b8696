using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;

namespace Lookalike.Hosting.Recommendations;

/// <summary>
/// One piece of feedback as a surface receives it (CLI flags, an HTTP body): item references are names the
/// <see cref="ItemResolver"/> understands. <see cref="ToEvents"/> checks it and makes the stored events.
/// </summary>
public sealed record FeedbackInput
{
    /// <summary><c>rating</c>, <c>like</c>, <c>dislike</c>, <c>purchase</c>, <c>view</c>, <c>prefer</c>, <c>ranking</c>, <c>favorite</c> or <c>search</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The item (the preferred one for prefer, the clicked one for search); unused for ranking.</summary>
    public string? Item { get; init; }

    /// <summary>The item liked less (prefer) or the query item (search, optional).</summary>
    public string? Other { get; init; }

    /// <summary>Stars 1–5 (rating); for favorite 1 added (default) or 0 removed.</summary>
    public double? Value { get; init; }

    /// <summary>The ranked items, most liked first (ranking).</summary>
    public IReadOnlyList<string>? Items { get; init; }

    /// <summary>Favourite list name (default <c>favorites</c>), ranking id, or search query text.</summary>
    public string? Context { get; init; }

    /// <summary>When; null: now.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <exception cref="LookalikeException">InvalidArgument (bad kind, missing or bad field) or NotFound (unknown item).</exception>
    public IReadOnlyList<FeedbackEvent> ToEvents(UserId user, ItemResolver items, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (!FeedbackKinds.TryParse(Kind, out var kind))
            throw LookalikeException.InvalidArgument("kind", $"Unknown feedback kind '{Kind}': expected {string.Join(", ", FeedbackKinds.Names)}.");
        var time = Time ?? now;
        if (FeedbackLimits.Default.CheckTime(time, now) is { } late)
            throw LookalikeException.InvalidArgument("time", $"{char.ToUpperInvariant(late[0])}{late[1..]}; send the time the event happened, or none for now.");
        ItemId Need(string? reference, string field) =>
            string.IsNullOrWhiteSpace(reference)
                ? throw LookalikeException.InvalidArgument(field, $"{FeedbackKinds.Name(kind)} feedback needs {field}.")
                : items.Resolve(reference);
        switch (kind)
        {
            case FeedbackKind.Ranking:
                if (Items is not { Count: >= 2 } ranked) throw LookalikeException.InvalidArgument("items", "A ranking needs at least two items, most liked first.");
                int most = FeedbackLimits.Default.MaxRankingItems;
                if (ranked.Count > most) // before resolving: a long list of names costs nothing to refuse
                    throw LookalikeException.InvalidArgument("items", $"A ranking lists at most {most} items; got {ranked.Count}. Send the top {most}, or several rankings.");
                return FeedbackEvent.Ranking(user, ranked.Select(r => items.Resolve(r)).ToList(), time, Context);
            case FeedbackKind.Prefer:
                return [FeedbackEvent.Prefer(user, Need(Item, "item"), Need(Other, "other"), time)];
            case FeedbackKind.Rating:
                if (Value is not { } stars) throw LookalikeException.InvalidArgument("value", "A rating needs a value from 1 to 5.");
                return [FeedbackEvent.Rating(user, Need(Item, "item"), stars, time)];
            case FeedbackKind.Favorite:
                return [FeedbackEvent.Favorite(user, Need(Item, "item"), time, string.IsNullOrWhiteSpace(Context) ? FeedbackEvent.DefaultList : Context, Value is not 0)];
            case FeedbackKind.Search:
                ItemId? queryItem = string.IsNullOrWhiteSpace(Other) ? null : items.Resolve(Other);
                return [FeedbackEvent.SearchClick(user, Context ?? Other ?? "", Need(Item, "item"), time, queryItem)];
            default:
                return [new FeedbackEvent { User = user, Kind = kind, Item = Need(Item, "item"), Value = Value, Time = time }.Checked()];
        }
    }
}

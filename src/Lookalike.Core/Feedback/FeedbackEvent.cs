using System.Globalization;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Feedback;

/// <summary>
/// One thing a person told us or did: who, which item, what kind, an optional value, when.
/// Build events with the factories (<see cref="Rating"/>, <see cref="Prefer"/>, <see cref="Ranking"/>, …), which validate.
/// </summary>
public sealed record FeedbackEvent
{
    /// <summary>Default list name of <see cref="FeedbackKind.Favorite"/> events.</summary>
    public const string DefaultList = "favorites";

    /// <summary>Position in the store (1, 2, …, in order of arrival); 0 for an event not read from a store.</summary>
    public long Sequence { get; init; }

    public required UserId User { get; init; }

    public required FeedbackKind Kind { get; init; }

    /// <summary>The item the event is about; for <see cref="FeedbackKind.Prefer"/> the preferred one, for <see cref="FeedbackKind.Search"/> the clicked one.</summary>
    public required ItemId Item { get; init; }

    /// <summary>The item liked less (<see cref="FeedbackKind.Prefer"/>), or the query item of a <see cref="FeedbackKind.Search"/>.</summary>
    public ItemId? Other { get; init; }

    /// <summary>Stars 1–5 (<see cref="FeedbackKind.Rating"/>), position ≥ 1 (<see cref="FeedbackKind.Ranking"/>), 1/0 added/removed (<see cref="FeedbackKind.Favorite"/>); otherwise null.</summary>
    public double? Value { get; init; }

    /// <summary>List name (<see cref="FeedbackKind.Favorite"/>), list id (<see cref="FeedbackKind.Ranking"/>), query (<see cref="FeedbackKind.Search"/>).</summary>
    public string? Context { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>Where an imported event came from (<c>file.csv:line</c>); the store keeps one event per source, so re-imports skip.</summary>
    public string? Source { get; init; }

    public const double MinRating = 1;
    public const double MaxRating = 5;

    /// <summary>Why the event is inconsistent (bad value for its kind, missing other item, …), or null when valid.</summary>
    public string? Validate()
    {
        switch (Kind)
        {
            case FeedbackKind.Rating:
                if (Value is not { } stars || !double.IsFinite(stars) || stars < MinRating || stars > MaxRating)
                    return $"a rating must be a number from {MinRating:0} to {MaxRating:0}; got {Show(Value)}";
                break;
            case FeedbackKind.Prefer:
                if (Other is not { } other) return "a preference needs the item liked less";
                if (other == Item) return $"an item cannot be preferred over itself ('{Item}')";
                break;
            case FeedbackKind.Ranking:
                if (Value is not { } position || position < 1 || position != Math.Floor(position) || position > int.MaxValue)
                    return $"a ranking position must be a whole number ≥ 1; got {Show(Value)}";
                if (position > FeedbackLimits.Default.MaxRankingItems)
                    return $"a ranking lists at most {FeedbackLimits.Default.MaxRankingItems} items; got position {Show(Value)}";
                if (string.IsNullOrEmpty(Context)) return "a ranking place needs the ranking's id";
                break;
            case FeedbackKind.Favorite:
                if (Value is { } member && member is not (0 or 1)) return $"a favorite value must be 1 (added) or 0 (removed); got {Show(Value)}";
                break;
            case FeedbackKind.Like or FeedbackKind.Dislike or FeedbackKind.Purchase or FeedbackKind.View or FeedbackKind.Search:
                if (Value is { } v && !double.IsFinite(v)) return $"value must be finite; got {Show(Value)}";
                break;
            default:
                return $"unknown kind {(int)Kind}";
        }
        if (Context is { Length: > 1024 }) return "context is longer than 1024 characters";
        return null;
    }

    /// <summary>Throws when <see cref="Validate"/> finds a problem.</summary>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.InvalidArgument"/> naming the problem.</exception>
    public FeedbackEvent Checked()
    {
        if (Validate() is { } error) throw LookalikeException.InvalidArgument(FeedbackKinds.Name(Kind), $"Invalid {FeedbackKinds.Name(Kind)} feedback on '{Item}': {error}.");
        return this;
    }

    public static FeedbackEvent Rating(UserId user, ItemId item, double stars, DateTimeOffset time) =>
        new FeedbackEvent { User = user, Kind = FeedbackKind.Rating, Item = item, Value = stars, Time = time }.Checked();

    public static FeedbackEvent Like(UserId user, ItemId item, DateTimeOffset time) =>
        new() { User = user, Kind = FeedbackKind.Like, Item = item, Time = time };

    public static FeedbackEvent Dislike(UserId user, ItemId item, DateTimeOffset time) =>
        new() { User = user, Kind = FeedbackKind.Dislike, Item = item, Time = time };

    public static FeedbackEvent Purchase(UserId user, ItemId item, DateTimeOffset time) =>
        new() { User = user, Kind = FeedbackKind.Purchase, Item = item, Time = time };

    public static FeedbackEvent View(UserId user, ItemId item, DateTimeOffset time) =>
        new() { User = user, Kind = FeedbackKind.View, Item = item, Time = time };

    /// <summary><paramref name="better"/> chosen over <paramref name="worse"/>.</summary>
    public static FeedbackEvent Prefer(UserId user, ItemId better, ItemId worse, DateTimeOffset time) =>
        new FeedbackEvent { User = user, Kind = FeedbackKind.Prefer, Item = better, Other = worse, Time = time }.Checked();

    /// <summary>An ordered list, most liked first: one <see cref="FeedbackKind.Ranking"/> event per place, sharing <paramref name="rankingId"/>.</summary>
    /// <exception cref="LookalikeException">InvalidArgument when fewer than two items, more than <see cref="FeedbackLimits.MaxRankingItems"/>, or an item repeats.</exception>
    public static IReadOnlyList<FeedbackEvent> Ranking(UserId user, IReadOnlyList<ItemId> mostLikedFirst, DateTimeOffset time, string? rankingId = null)
    {
        ArgumentNullException.ThrowIfNull(mostLikedFirst);
        if (mostLikedFirst.Count < 2) throw LookalikeException.InvalidArgument("ranking", "A ranking needs at least two items.");
        if (mostLikedFirst.Distinct().Count() != mostLikedFirst.Count) throw LookalikeException.InvalidArgument("ranking", "A ranking lists each item once.");
        int most = FeedbackLimits.Default.MaxRankingItems;
        if (mostLikedFirst.Count > most)
            throw LookalikeException.InvalidArgument("ranking", $"A ranking lists at most {most} items; got {mostLikedFirst.Count}. Send the top {most}, or several rankings.");
        string id = rankingId ?? "ranking@" + time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return mostLikedFirst.Select((item, i) => new FeedbackEvent
        {
            User = user, Kind = FeedbackKind.Ranking, Item = item, Value = i + 1, Context = id, Time = time,
        }.Checked()).ToList();
    }

    /// <summary>Adds (or with <paramref name="added"/> false removes) <paramref name="item"/> to the list <paramref name="list"/>.</summary>
    public static FeedbackEvent Favorite(UserId user, ItemId item, DateTimeOffset time, string list = DefaultList, bool added = true) =>
        new FeedbackEvent { User = user, Kind = FeedbackKind.Favorite, Item = item, Context = list, Value = added ? 1 : 0, Time = time }.Checked();

    /// <summary>Searched with <paramref name="query"/> (an image or item id) and clicked <paramref name="clicked"/>.</summary>
    public static FeedbackEvent SearchClick(UserId user, string query, ItemId clicked, DateTimeOffset time, ItemId? queryItem = null) =>
        new FeedbackEvent { User = user, Kind = FeedbackKind.Search, Item = clicked, Other = queryItem, Context = query, Time = time }.Checked();

    private static string Show(double? value) => value is { } v ? v.ToString("G", CultureInfo.InvariantCulture) : "nothing";
}

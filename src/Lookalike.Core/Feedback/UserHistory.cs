using Lookalike.Core.Catalog;

namespace Lookalike.Core.Feedback;

/// <summary>One item as a person's feedback sums it up: net signal (see <see cref="SignalWeights"/>), last time, number of events.</summary>
public readonly record struct ItemSignal(ItemId Item, double Weight, DateTimeOffset LastTime, int Events);

/// <summary><see cref="Better"/> was chosen over <see cref="Worse"/> (a prefer event or two places of a ranking).</summary>
public readonly record struct Preference(ItemId Better, ItemId Worse, DateTimeOffset Time);

/// <summary>
/// What one person's events say, ready for recommenders: a net signal per item and the pairwise preferences.
/// Rules: the latest rating counts; the latest of like/dislike counts; the latest event per (item, list) decides
/// favourite membership, and a list keeps its newest <see cref="FeedbackLimits.MaxListItems"/> members; implicit
/// events (purchase, view, search click) add up with saturation <c>weight × log2(1 + count)</c>; each ranking (latest
/// version per ranking id, its first <see cref="FeedbackLimits.MaxRankingItems"/> places) counts as if every pair of its
/// places were a preference — an item with b places below it and w above gets <c>(b·better + w·worse)/(n−1)</c>, so a
/// long list weighs like one choice per item — but only its n−1 adjacent pairs are kept as <see cref="Preferences"/>
/// (they imply the rest by transitivity), so a ranking costs O(n), never O(n²).
/// </summary>
public sealed class UserHistory
{
    private UserHistory(UserId? user, IReadOnlyList<ItemSignal> items, IReadOnlyList<Preference> preferences, IReadOnlySet<ItemId> seen)
    {
        User = user;
        Items = items;
        Preferences = preferences;
        Seen = seen;
    }

    /// <summary>No feedback at all (an anonymous visitor before the first click).</summary>
    public static UserHistory Empty { get; } = new(null, [], [], new HashSet<ItemId>());

    /// <summary>Whose history this is; null for an anonymous session.</summary>
    public UserId? User { get; }

    /// <summary>Items with a non-zero net signal, newest first (ties by id).</summary>
    public IReadOnlyList<ItemSignal> Items { get; }

    public IReadOnlyList<Preference> Preferences { get; }

    /// <summary>Every item the person has touched (any kind, either side of a preference): excluded from recommendations by default.</summary>
    public IReadOnlySet<ItemId> Seen { get; }

    public bool IsEmpty => Items.Count == 0 && Preferences.Count == 0;

    /// <summary>The newest event's time, or null.</summary>
    public DateTimeOffset? LastTime => Items.Count == 0 ? null : Items.Max(i => i.LastTime);

    /// <summary>Sums up one person's events (any order).</summary>
    /// <param name="limits">Bounds on rankings and lists; null: <see cref="FeedbackLimits.Default"/>.</param>
    public static UserHistory From(IEnumerable<FeedbackEvent> events, SignalWeights? weights = null, UserId? user = null, FeedbackLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        weights ??= SignalWeights.Default;
        limits ??= FeedbackLimits.Default;
        // Stable order: time, then arrival; "latest" means last in this order.
        var ordered = events.Select((e, i) => (e, i)).OrderBy(x => x.e.Time).ThenBy(x => x.e.Sequence).ThenBy(x => x.i).Select(x => x.e).ToList();
        user ??= ordered.Count > 0 ? ordered[0].User : null;

        var seen = new HashSet<ItemId>();
        var rating = new Dictionary<ItemId, double>();
        var thumbs = new Dictionary<ItemId, double>();
        var favorites = new Dictionary<(ItemId Item, string List), (bool Member, int Order)>();
        var implicitCounts = new Dictionary<(ItemId, FeedbackKind), int>();
        var preferenceSignal = new Dictionary<ItemId, double>();
        var lastTime = new Dictionary<ItemId, DateTimeOffset>();
        var eventCounts = new Dictionary<ItemId, int>();
        var preferences = new List<Preference>();
        var rankings = new Dictionary<string, List<FeedbackEvent>>(StringComparer.Ordinal);

        void Touch(ItemId item, DateTimeOffset time)
        {
            seen.Add(item);
            lastTime[item] = lastTime.TryGetValue(item, out var t) && t > time ? t : time;
            eventCounts[item] = eventCounts.GetValueOrDefault(item) + 1;
        }

        for (int order = 0; order < ordered.Count; order++)
        {
            var e = ordered[order];
            Touch(e.Item, e.Time);
            switch (e.Kind)
            {
                case FeedbackKind.Rating:
                    rating[e.Item] = SignalWeights.Rating(e.Value ?? 3);
                    break;
                case FeedbackKind.Like:
                    thumbs[e.Item] = weights.Like;
                    break;
                case FeedbackKind.Dislike:
                    thumbs[e.Item] = weights.Dislike;
                    break;
                case FeedbackKind.Favorite:
                    favorites[(e.Item, e.Context ?? FeedbackEvent.DefaultList)] = (e.Value is not 0, order);
                    break;
                case FeedbackKind.Purchase or FeedbackKind.View or FeedbackKind.Search:
                    implicitCounts[(e.Item, e.Kind)] = implicitCounts.GetValueOrDefault((e.Item, e.Kind)) + 1;
                    break;
                case FeedbackKind.Prefer when e.Other is { } worse:
                    Touch(worse, e.Time);
                    preferences.Add(new Preference(e.Item, worse, e.Time));
                    preferenceSignal[e.Item] = preferenceSignal.GetValueOrDefault(e.Item) + weights.PreferBetter;
                    preferenceSignal[worse] = preferenceSignal.GetValueOrDefault(worse) + weights.PreferWorse;
                    break;
                case FeedbackKind.Ranking:
                    string id = e.Context ?? "";
                    if (!rankings.TryGetValue(id, out var places)) rankings[id] = places = [];
                    places.Add(e);
                    break;
            }
        }

        foreach (var places in rankings.Values)
        {
            // A ranking id re-sent later replaces the earlier version.
            var latest = places.Max(p => p.Time);
            var list = places.Where(p => p.Time == latest).GroupBy(p => p.Item).Select(g => g.Last())
                .OrderBy(p => p.Value).ThenBy(p => p.Item, ItemId.Ordinal).Take(limits.MaxRankingItems).ToList();
            if (list.Count < 2) continue;
            int n = list.Count;
            for (int place = 0; place < n; place++)
            {
                // The all-pairs signal in closed form: n−1−place items below this one, place items above it.
                var item = list[place].Item;
                double signal = (weights.PreferBetter * (n - 1 - place) + weights.PreferWorse * place) / (n - 1);
                preferenceSignal[item] = preferenceSignal.GetValueOrDefault(item) + signal;
                if (place + 1 < n) preferences.Add(new Preference(item, list[place + 1].Item, latest));
            }
        }

        var net = new Dictionary<ItemId, double>();
        foreach (var (item, v) in rating) net[item] = net.GetValueOrDefault(item) + v;
        foreach (var (item, v) in thumbs) net[item] = net.GetValueOrDefault(item) + v;
        // Each list keeps its newest members; an older one beyond the bound no longer counts.
        foreach (var list in favorites.Where(f => f.Value.Member).GroupBy(f => f.Key.List))
        {
            foreach (var ((item, _), _) in list.OrderByDescending(f => f.Value.Order).Take(limits.MaxListItems))
                net[item] = net.GetValueOrDefault(item) + weights.Favorite;
        }
        foreach (var ((item, kind), count) in implicitCounts)
        {
            double w = kind switch { FeedbackKind.Purchase => weights.Purchase, FeedbackKind.View => weights.View, _ => weights.SearchClick };
            net[item] = net.GetValueOrDefault(item) + w * Math.Log2(1 + count);
        }
        foreach (var (item, v) in preferenceSignal) net[item] = net.GetValueOrDefault(item) + v;

        var items = net.Where(kv => kv.Value != 0)
            .Select(kv => new ItemSignal(kv.Key, kv.Value, lastTime[kv.Key], eventCounts[kv.Key]))
            .OrderByDescending(s => s.LastTime).ThenBy(s => s.Item, ItemId.Ordinal).ToList();
        return new UserHistory(user, items, preferences, seen);
    }

    /// <summary>A history of explicit likes and dislikes only (an anonymous session), all at <paramref name="time"/>.</summary>
    public static UserHistory FromLikes(IEnumerable<ItemId> likes, IEnumerable<ItemId> dislikes, DateTimeOffset time, SignalWeights? weights = null)
    {
        ArgumentNullException.ThrowIfNull(likes);
        ArgumentNullException.ThrowIfNull(dislikes);
        var anonymous = UserId.Parse("anonymous");
        var events = likes.Select(i => FeedbackEvent.Like(anonymous, i, time))
            .Concat(dislikes.Select(i => FeedbackEvent.Dislike(anonymous, i, time)));
        var history = From(events, weights);
        return new UserHistory(null, history.Items, history.Preferences, history.Seen);
    }
}

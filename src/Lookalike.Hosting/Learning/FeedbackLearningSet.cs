using System.Globalization;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Learning;

/// <summary>
/// Turns feedback into positive pairs of items for a <see cref="LearningSet"/>: two items one person chose within
/// <see cref="FeedbackPairing.WindowDays"/> of each other (bought, liked, favourited, rated 4+, preferred in a
/// <c>prefer</c>, clicked from a search) are a pair. Each choice pairs with at most
/// <see cref="FeedbackPairing.PartnersPerChoice"/> of that person's later choices nearest in time, so one heavy user
/// cannot dominate, and optionally each item with at most <see cref="FeedbackPairing.MaxPairsPerItem"/>, so bestsellers
/// cannot. Every unusable input is a <see cref="LookalikeException"/> naming its cause.
/// </summary>
public static class FeedbackLearningSet
{
    /// <summary>Fewer pairs than this cannot learn a 512-d space meaningfully.</summary>
    public const int MinPairs = 20;

    public sealed record Result(LearningSet Set, int Items, int Pairs, IReadOnlyList<string> Notes);

    /// <exception cref="LookalikeException">InvalidArgument: the filter selects no item, no feedback (before the cut-off), or too few pairs.</exception>
    public static Result Build(IReadOnlyList<CatalogItem> items, IFeedbackStore feedback, ItemFilter filter, DateTimeOffset? before, FeedbackPairing? pairing = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentNullException.ThrowIfNull(filter);
        var selected = items.Where(i => filter.Matches(i.Metadata)).ToDictionary(i => i.Id);
        if (selected.Count == 0)
            throw LookalikeException.InvalidArgument("where", $"The filter ({filter}) selects none of the store's {items.Count:N0} items.");
        var events = feedback.Read().Where(e => before is null || e.Time < before).ToList();
        return Build(selected, events, before, pairing);
    }

    /// <summary>Pairs from <paramref name="events"/> over <paramref name="catalog"/> (only its items take part).</summary>
    public static Result Build(IReadOnlyDictionary<ItemId, CatalogItem> catalog, IReadOnlyList<FeedbackEvent> events, DateTimeOffset? before, FeedbackPairing? pairing = null)
    {
        pairing = (pairing ?? FeedbackPairing.Default).Validated();
        string when = before is { } b ? $" before {b.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" : "";
        if (events.Count == 0)
            throw LookalikeException.InvalidArgument("feedback", $"The store has no feedback{when} to learn from (import some with 'lookalike feedback import').");
        var choices = new List<(UserId User, ItemId Item, DateTimeOffset Time)>();
        foreach (var e in events)
        {
            if (Chosen(e) is { } item && catalog.ContainsKey(item)) choices.Add((e.User, item, e.Time));
        }
        // Candidate pairs in time order (earliest first), so that a per-item cap keeps each item's earliest pairs.
        var candidates = new List<(DateTimeOffset Time, ItemId A, ItemId B)>();
        var window = pairing.Window;
        foreach (var group in choices.GroupBy(c => c.User))
        {
            var ordered = group.OrderBy(c => c.Time).ThenBy(c => c.Item.Value, StringComparer.Ordinal).ToList();
            for (int i = 0; i < ordered.Count; i++)
            {
                int partners = 0;
                for (int j = i + 1; j < ordered.Count && partners < pairing.PartnersPerChoice; j++)
                {
                    if (!Within(ordered[i].Time, ordered[j].Time, window)) break;
                    if (ordered[j].Item == ordered[i].Item) continue;
                    candidates.Add((ordered[j].Time, ordered[i].Item, ordered[j].Item));
                    partners++;
                }
            }
        }
        var rowOf = new Dictionary<ItemId, int>();
        var pairs = new HashSet<(int, int)>();
        var pairsOf = new Dictionary<ItemId, int>();
        int capped = 0;
        foreach (var (_, first, second) in candidates.OrderBy(c => c.Time).ThenBy(c => c.A.Value, StringComparer.Ordinal).ThenBy(c => c.B.Value, StringComparer.Ordinal))
        {
            int a = Row(first), c = Row(second);
            var pair = a < c ? (a, c) : (c, a);
            if (pairs.Contains(pair)) continue;
            if (pairing.MaxPairsPerItem > 0 && (pairsOf.GetValueOrDefault(first) >= pairing.MaxPairsPerItem || pairsOf.GetValueOrDefault(second) >= pairing.MaxPairsPerItem))
            {
                capped++;
                continue;
            }
            pairs.Add(pair);
            pairsOf[first] = pairsOf.GetValueOrDefault(first) + 1;
            pairsOf[second] = pairsOf.GetValueOrDefault(second) + 1;
        }
        if (pairs.Count < MinPairs)
            throw LookalikeException.InvalidArgument("feedback",
                $"Feedback{when} gives {pairs.Count} positive pair(s) of catalog items ({pairing}); learning needs at least {MinPairs}. " +
                $"{choices.Count:N0} of {events.Count:N0} events are choices of catalog items.");
        // Rows only for items that kept a pair (a capped item may have none).
        var used = pairs.SelectMany(p => new[] { p.Item1, p.Item2 }).ToHashSet();
        var renumber = new Dictionary<int, int>();
        foreach (var kv in rowOf.OrderBy(kv => kv.Value).Where(kv => used.Contains(kv.Value))) renumber[kv.Value] = renumber.Count;
        rowOf = rowOf.Where(kv => used.Contains(kv.Value)).ToDictionary(kv => kv.Key, kv => renumber[kv.Value]);
        pairs = pairs.Select(p => (renumber[p.Item1], renumber[p.Item2])).ToHashSet();
        var notes = capped > 0 ? new[] { $"{capped:N0} pair(s) left out: an item takes part in at most {pairing.MaxPairsPerItem} pair(s)" } : [];
        var ordered2 = rowOf.OrderBy(kv => kv.Value).Select(kv => catalog[kv.Key]).ToList();
        int dimension = ordered2[0].Vector.Length;
        var vectors = new float[(long)ordered2.Count * dimension];
        for (int r = 0; r < ordered2.Count; r++) ordered2[r].Vector.Span.CopyTo(vectors.AsSpan(r * dimension, dimension));
        var list = pairs.OrderBy(p => p.Item1).ThenBy(p => p.Item2).Select(p => (p.Item1, p.Item2)).ToList();
        return new Result(LearningSet.FromPairs(vectors, dimension, list), ordered2.Count, list.Count, notes);

        int Row(ItemId id)
        {
            if (!rowOf.TryGetValue(id, out int row)) rowOf[id] = row = rowOf.Count;
            return row;
        }
    }

    /// <summary>Same calendar day (UTC) for a window of 0 days; otherwise at most the window apart.</summary>
    private static bool Within(DateTimeOffset earlier, DateTimeOffset later, TimeSpan window) =>
        window == TimeSpan.Zero ? earlier.UtcDateTime.Date == later.UtcDateTime.Date : later - earlier <= window;

    /// <summary>The item an event says its user chose, or null when it says no such thing.</summary>
    private static ItemId? Chosen(FeedbackEvent e) => e.Kind switch
    {
        FeedbackKind.Purchase or FeedbackKind.Like or FeedbackKind.Prefer or FeedbackKind.Search => e.Item,
        FeedbackKind.Favorite when e.Value is not 0 => e.Item,
        FeedbackKind.Rating when e.Value >= 4 => e.Item,
        FeedbackKind.Ranking when e.Value is 1 => e.Item,
        _ => null,
    };
}

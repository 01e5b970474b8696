using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;

namespace Lookalike.Core.Recommendations;

/// <summary>One recommended item and its score (scale depends on the recommender; higher is better).</summary>
public readonly record struct Candidate(ItemId Item, float Score);

/// <summary>For whom and how many: the person's history plus optional outside photos, and what to leave out.</summary>
public sealed record RecommendationRequest
{
    public required UserHistory History { get; init; }

    /// <summary>How many candidates, ≥ 1.</summary>
    public required int Count { get; init; }

    /// <summary>"Now" for recency weights; recommenders never look at feedback after it.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Only items for which this returns true are candidates (metadata filters); applied while scanning, so Count still come back.</summary>
    public Func<ItemId, bool>? Filter { get; init; }

    /// <summary>Leave out <see cref="UserHistory.Seen"/> (default true).</summary>
    public bool ExcludeSeen { get; init; } = true;

    /// <summary>Further items to leave out (e.g. the item whose page this is).</summary>
    public IReadOnlySet<ItemId>? Exclude { get; init; }

    /// <summary>Unit vectors of outside photos the person liked (a visitor who only uploaded a photo).</summary>
    public IReadOnlyList<ReadOnlyMemory<float>> LikedVectors { get; init; } = [];

    /// <summary>Unit vectors of outside photos the person disliked.</summary>
    public IReadOnlyList<ReadOnlyMemory<float>> DislikedVectors { get; init; } = [];

    /// <summary>
    /// Which items exist to be recommended (e.g. "is in the photo index"); null: any. Kept apart from <see cref="Filter"/> so a
    /// recommender searching that very index can skip it (it only ever sees existing items, and re-entering the index's lock from
    /// inside its own scan is not allowed).
    /// </summary>
    public Func<ItemId, bool>? Available { get; init; }

    /// <summary>True when <paramref name="item"/> may be recommended.</summary>
    public bool Allows(ItemId item) => AllowsExisting(item) && (Available?.Invoke(item) ?? true);

    /// <summary><see cref="Allows"/> for an item known to exist (skips <see cref="Available"/>).</summary>
    public bool AllowsExisting(ItemId item) =>
        !(ExcludeSeen && History.Seen.Contains(item)) && !(Exclude?.Contains(item) ?? false) && (Filter?.Invoke(item) ?? true);
}

/// <summary>Produces scored candidates for a request. Implementations are safe to call concurrently with each other, not with model updates.</summary>
public interface IRecommender
{
    /// <summary>Short name as the CLI and the evaluation print it (<c>popular</c>, <c>itemknn</c>, …).</summary>
    string Name { get; }

    /// <summary>Up to <see cref="RecommendationRequest.Count"/> candidates, best first; fewer (or none) when it has nothing to say.</summary>
    IReadOnlyList<Candidate> Recommend(RecommendationRequest request);
}

/// <summary>Recency weights: an event <c>age</c> old weighs <c>2^(−age / halfLife)</c>; no half-life → 1; future events weigh 1.</summary>
public static class Recency
{
    public static double Weight(DateTimeOffset time, DateTimeOffset now, TimeSpan? halfLife)
    {
        if (halfLife is not { } h || h <= TimeSpan.Zero) return 1;
        double age = (now - time).TotalDays;
        return age <= 0 ? 1 : Math.Pow(2, -age / h.TotalDays);
    }

    /// <summary>
    /// The instant history ages are counted from: the person's newest event, but never after <paramref name="now"/>.
    /// Counting from the newest event keeps weights relative (a customer back after a year keeps their taste) and away from underflow.
    /// </summary>
    public static DateTimeOffset Anchor(UserHistory history, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(history);
        DateTimeOffset? newest = null;
        foreach (var item in history.Items)
        {
            if (item.LastTime <= now && (newest is null || item.LastTime > newest)) newest = item.LastTime;
        }
        return newest ?? now;
    }
}

/// <summary>Best-first selection of scored candidates with deterministic ties (by id).</summary>
internal static class CandidateSelection
{
    public static List<Candidate> Top(IEnumerable<KeyValuePair<ItemId, double>> scores, RecommendationRequest request, bool positiveOnly = true)
    {
        var list = new List<Candidate>();
        foreach (var (item, score) in scores)
        {
            if (positiveOnly && !(score > 0)) continue;
            if (!double.IsFinite(score) || !request.Allows(item)) continue;
            list.Add(new Candidate(item, (float)score));
        }
        Sort(list);
        if (list.Count > request.Count) list.RemoveRange(request.Count, list.Count - request.Count);
        return list;
    }

    public static void Sort(List<Candidate> list) => list.Sort(static (a, b) =>
    {
        int c = b.Score.CompareTo(a.Score);
        return c != 0 ? c : ItemId.Ordinal.Compare(a.Item, b.Item);
    });
}

using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;

namespace Lookalike.Core.Recommendations;

/// <summary>
/// The baseline: the items most people bought or liked, each positive event counting its signal weight, optionally
/// decayed with a half-life so recent sales count more (fashion moves fast). The same list for everyone, minus
/// what the person has seen. Incremental: <see cref="Add"/> folds in new events.
/// Not thread-safe for <see cref="Add"/>; <see cref="RecommendationEngine"/> guards it.
/// </summary>
public sealed class PopularityRecommender : IRecommender
{
    private readonly SignalWeights _weights;
    private readonly TimeSpan? _halfLife;
    private readonly Dictionary<ItemId, double> _scores = [];
    private DateTimeOffset? _reference;
    private List<Candidate>? _ranked;

    /// <param name="halfLife">Decay of old events; null: plain counts.</param>
    public PopularityRecommender(TimeSpan? halfLife = null, SignalWeights? weights = null)
    {
        _halfLife = halfLife;
        _weights = weights ?? SignalWeights.Default;
    }

    public string Name => "popular";

    public void Add(IEnumerable<FeedbackEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            double signal = _weights.Of(e);
            if (!(signal > 0)) continue;
            // Scores are kept relative to a reference time (2^((t − ref)/h)); rebasing keeps the exponent in range.
            _reference ??= e.Time;
            if (_halfLife is { } h && (e.Time - _reference.Value).TotalDays / h.TotalDays > 500) Rebase(e.Time);
            _scores[e.Item] = _scores.GetValueOrDefault(e.Item) + signal * Growth(e.Time);
            _ranked = null;
        }
    }

    /// <summary>Score of one item (0 when never bought or liked); relative, comparable between items only.</summary>
    public double Score(ItemId item) => _scores.GetValueOrDefault(item);

    public IReadOnlyList<Candidate> Recommend(RecommendationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ranked = Ranked();
        var result = new List<Candidate>(request.Count);
        foreach (var c in ranked)
        {
            if (!request.Allows(c.Item)) continue;
            result.Add(c);
            if (result.Count == request.Count) break;
        }
        return result;
    }

    private List<Candidate> Ranked()
    {
        var ranked = _ranked;
        if (ranked is not null) return ranked;
        double max = _scores.Count == 0 ? 1 : _scores.Values.Max();
        ranked = _scores.Select(kv => new Candidate(kv.Key, (float)(kv.Value / max))).ToList();
        CandidateSelection.Sort(ranked);
        _ranked = ranked;
        return ranked;
    }

    private double Growth(DateTimeOffset time) =>
        _halfLife is { } h ? Math.Pow(2, (time - _reference!.Value).TotalDays / h.TotalDays) : 1;

    private void Rebase(DateTimeOffset newReference)
    {
        double factor = Math.Pow(2, -(newReference - _reference!.Value).TotalDays / _halfLife!.Value.TotalDays);
        foreach (var key in _scores.Keys.ToList()) _scores[key] *= factor;
        _reference = newReference;
    }
}

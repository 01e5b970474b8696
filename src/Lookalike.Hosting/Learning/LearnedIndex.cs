using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Learning;

/// <summary>
/// In-memory exact indexes over a store's raw vectors, raw or through a projection learned on the spot: what
/// evaluations use so that nothing learned from the test period (a stored projection fitted on all feedback) leaks in.
/// </summary>
public static class LearnedIndex
{
    /// <summary>The store's raw vectors, whatever projection it has.</summary>
    public static ExactVectorIndex Raw(ICatalogStore store) => Build(store.ReadAll(withVectors: true).ToList(), LearnedSpace.Raw);

    /// <summary>
    /// Learns a projection from <paramref name="events"/> (e.g. an evaluation's training events) by the same code as
    /// <c>lookalike learn --feedback</c>, and indexes <paramref name="items"/> through it.
    /// </summary>
    public static (ExactVectorIndex Index, Projection Projection, FeedbackLearningSet.Result Set) FromFeedback(
        IReadOnlyList<CatalogItem> items, IReadOnlyList<FeedbackEvent> events, ProjectionMethod method, MetricHeadOptions head, IProgress<string>? progress = null, FeedbackPairing? pairing = null)
    {
        var set = FeedbackLearningSet.Build(items.ToDictionary(i => i.Id), events, before: null, pairing);
        var projection = ProjectionLearner.FitStored(set.Set, items[0].Model, method, head, progress); // a set was built: there are items
        return (Build(items, new LearnedSpace(projection)), projection, set);
    }

    private static ExactVectorIndex Build(IReadOnlyList<CatalogItem> items, LearnedSpace space)
    {
        int rawDimension = items.Count == 0 ? 1 : items[0].Vector.Length;
        int dimension = space.OutputDimension(rawDimension);
        var index = new ExactVectorIndex(dimension, items.Count);
        var raw = new float[(long)items.Count * rawDimension];
        for (int i = 0; i < items.Count; i++) items[i].Vector.Span.CopyTo(raw.AsSpan(i * rawDimension, rawDimension));
        var mapped = space.Projection is null ? raw : space.Projection.ApplyAll(raw, items.Count);
        for (int i = 0; i < items.Count; i++) index.Upsert(items[i].Id, mapped.AsSpan(i * dimension, dimension));
        return index;
    }
}

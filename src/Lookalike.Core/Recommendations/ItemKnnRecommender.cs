using Lookalike.Core.Catalog;

namespace Lookalike.Core.Recommendations;

/// <summary>
/// Item-item collaborative filtering: <c>score(j) = Σ_i w_i · r(i) · sim(i, j)</c> over the person's items i and their
/// precomputed top-K neighbours j (<see cref="ItemNeighbours"/>), with w_i the history recency weight (age counted back from the person's newest event, so a
/// returning customer's old favourites still rank by their relative age) and r(i) the net
/// signal (a disliked item pushes its neighbours down). Unnormalised sums, which rank top-N lists better than
/// weighted averages on implicit data (Deshpande and Karypis 2004). Items nobody interacted with never appear.
/// </summary>
public sealed class ItemKnnRecommender : IRecommender
{
    private readonly ItemNeighbours _neighbours;
    private readonly TimeSpan? _historyHalfLife;

    /// <param name="historyHalfLife">How fast older history items lose weight; null: all count the same.</param>
    public ItemKnnRecommender(ItemNeighbours neighbours, TimeSpan? historyHalfLife = null)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        _neighbours = neighbours;
        _historyHalfLife = historyHalfLife;
    }

    public string Name => "itemknn";

    public IReadOnlyList<Candidate> Recommend(RecommendationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scores = new Dictionary<ItemId, double>();
        var anchor = Recency.Anchor(request.History, request.Now);
        foreach (var signal in request.History.Items)
        {
            if (signal.LastTime > request.Now) continue;
            double w = signal.Weight * Recency.Weight(signal.LastTime, anchor, _historyHalfLife);
            foreach (var neighbour in _neighbours.Of(signal.Item))
                scores[neighbour.Item] = scores.GetValueOrDefault(neighbour.Item) + w * neighbour.Similarity;
        }
        return CandidateSelection.Top(scores, request);
    }
}

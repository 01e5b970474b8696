using Lookalike.Core.Catalog;

namespace Lookalike.Core.Recommendations;

/// <summary>User-user k-NN parameters (see docs/parameters.md).</summary>
public sealed record UserKnnOptions
{
    public SimilarityKind Similarity { get; init; } = SimilarityKind.Cosine;

    /// <summary>Most similar users consulted (K), 1–10,000.</summary>
    public int Neighbours { get; init; } = 200;

    /// <summary>Shrinkage β ≥ 0 on the number of co-rated items: <c>sim · n / (n + β)</c>.</summary>
    public double Shrinkage { get; init; } = 1;

    public int MinCommon { get; init; } = 1;
}

/// <summary>
/// User-user collaborative filtering: the K users most similar to the person (over the items both touched, computed
/// at request time from the matrix — users are few and change often, so nothing is precomputed), then
/// <c>score(j) = Σ_v sim(u, v) · r(v, j)</c>. Works for anonymous sessions too: the history is the user vector.
/// </summary>
public sealed class UserKnnRecommender : IRecommender
{
    private readonly InteractionMatrix _matrix;
    private readonly UserKnnOptions _options;
    [ThreadStatic] private static SparseSimilarity? t_similarity;

    public UserKnnRecommender(InteractionMatrix matrix, UserKnnOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        _matrix = matrix;
        _options = options ?? new UserKnnOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Neighbours, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.Shrinkage);
    }

    public string Name => "userknn";

    public IReadOnlyList<Candidate> Recommend(RecommendationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = new Dictionary<int, double>();
        foreach (var signal in request.History.Items)
        {
            if (signal.LastTime <= request.Now && _matrix.TryGetItem(signal.Item, out int i)) target[i] = signal.Weight;
        }
        if (target.Count == 0) return [];
        double norm = Math.Sqrt(target.Values.Sum(v => v * v));
        int self = request.History.User is { } user && _matrix.TryGetUser(user, out int u) ? u : -1;
        var similar = new List<(int Candidate, double Similarity)>();
        (t_similarity ??= new SparseSimilarity()).Compute(target, norm, _matrix.Column, _matrix.RowNorm, _matrix.UserCount, self,
            _options.Similarity, _options.Shrinkage, _options.MinCommon, similar);
        var neighbours = similar.Where(s => s.Similarity > 0)
            .OrderByDescending(s => s.Similarity).ThenBy(s => _matrix.Users[s.Candidate].Value, StringComparer.Ordinal)
            .Take(_options.Neighbours);
        var scores = new Dictionary<ItemId, double>();
        foreach (var (v, sim) in neighbours)
        {
            foreach (var (j, r) in _matrix.Row(v))
            {
                var item = _matrix.ItemAt(j);
                scores[item] = scores.GetValueOrDefault(item) + sim * r;
            }
        }
        return CandidateSelection.Top(scores, request);
    }
}

namespace Lookalike.Core.Evaluation;

/// <summary>
/// Top-k ranking metrics with binary relevance, for any kind of result (recommended items, retrieved images).
/// <paramref name="ranked"/> is best first and may be shorter than k; duplicates in it count once (the first time).
/// A query with no relevant items is undefined for these metrics — callers skip it (each method returns 0).
/// </summary>
public static class RankingMetrics
{
    /// <summary>HR@k: 1 when any of the top k is relevant, else 0.</summary>
    public static double HitRate<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k) =>
        Hits(ranked, relevant, k) > 0 ? 1 : 0;

    /// <summary>P@k: relevant results among the top k, divided by k (not by the number returned).</summary>
    public static double Precision<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        return Hits(ranked, relevant, k) / (double)k;
    }

    /// <summary>R@k: relevant results among the top k, divided by the number of relevant items.</summary>
    public static double Recall<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(relevant);
        return relevant.Count == 0 ? 0 : Hits(ranked, relevant, k) / (double)relevant.Count;
    }

    /// <summary>
    /// AP@k: <c>Σ_{i ≤ k} P@i · rel(i) / min(|relevant|, k)</c> — the mean of the precisions at each hit, normalised by the
    /// most hits possible in k results (the usual MAP@k of recommender evaluation). MAP@k is its mean over queries.
    /// </summary>
    public static double AveragePrecision<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (relevant.Count == 0) return 0;
        var seen = new HashSet<T>(relevant.Count);
        int hits = 0;
        double sum = 0;
        for (int i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (!relevant.Contains(ranked[i]) || !seen.Add(ranked[i])) continue;
            hits++;
            sum += hits / (double)(i + 1);
        }
        return sum / Math.Min(relevant.Count, k);
    }

    /// <summary>
    /// nDCG@k with binary gains: <c>DCG = Σ_{i ≤ k} rel(i) / log2(i + 1)</c> (i from 1), divided by the DCG of an ideal
    /// ranking (all relevant items first, at most k of them).
    /// </summary>
    public static double Ndcg<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (relevant.Count == 0) return 0;
        var seen = new HashSet<T>(relevant.Count);
        double dcg = 0;
        for (int i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (relevant.Contains(ranked[i]) && seen.Add(ranked[i])) dcg += 1 / Math.Log2(i + 2);
        }
        double ideal = 0;
        for (int i = 0; i < Math.Min(k, relevant.Count); i++) ideal += 1 / Math.Log2(i + 2);
        return dcg / ideal;
    }

    /// <summary>Reciprocal rank of the first relevant result within the top k, else 0.</summary>
    public static double ReciprocalRank<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        for (int i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (relevant.Contains(ranked[i])) return 1.0 / (i + 1);
        }
        return 0;
    }

    /// <summary>Distinct relevant results among the top k.</summary>
    public static int Hits<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (relevant.Count == 0) return 0;
        var seen = new HashSet<T>();
        int hits = 0;
        for (int i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (relevant.Contains(ranked[i]) && seen.Add(ranked[i])) hits++;
        }
        return hits;
    }
}

/// <summary>Means of the ranking metrics over queries (queries without relevant items must not be added).</summary>
public sealed class RankingMetricsAccumulator
{
    private double _hr, _precision, _recall, _ap, _ndcg, _rr;
    private readonly List<double> _hits = [], _ndcgs = [];

    public RankingMetricsAccumulator(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        K = k;
    }

    public int K { get; }

    public int Queries { get; private set; }

    public void Add<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant)
    {
        Queries++;
        double hit = RankingMetrics.HitRate(ranked, relevant, K), ndcg = RankingMetrics.Ndcg(ranked, relevant, K);
        _hits.Add(hit);
        _ndcgs.Add(ndcg);
        _hr += hit;
        _precision += RankingMetrics.Precision(ranked, relevant, K);
        _recall += RankingMetrics.Recall(ranked, relevant, K);
        _ap += RankingMetrics.AveragePrecision(ranked, relevant, K);
        _ndcg += ndcg;
        _rr += RankingMetrics.ReciprocalRank(ranked, relevant, K);
    }

    /// <summary>Each query's hit (1 or 0), in the order added: for bootstrap intervals and paired comparisons.</summary>
    public IReadOnlyList<double> Hits => _hits;

    /// <summary>Each query's nDCG, in the order added.</summary>
    public IReadOnlyList<double> NdcgValues => _ndcgs;

    public double HitRate => Mean(_hr);
    public double Precision => Mean(_precision);
    public double Recall => Mean(_recall);
    public double MeanAveragePrecision => Mean(_ap);
    public double Ndcg => Mean(_ndcg);
    public double MeanReciprocalRank => Mean(_rr);

    private double Mean(double sum) => Queries == 0 ? 0 : sum / Queries;
}

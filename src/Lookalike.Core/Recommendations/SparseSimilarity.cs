namespace Lookalike.Core.Recommendations;

/// <summary>
/// Similarities of one sparse vector to every vector it shares a key with, in one pass over the transposed matrix
/// (for item-item: the item's users, then each user's items). O(Σ over the target's keys of the transposed
/// vector's length); per-candidate accumulators are dense arrays reused between calls. Not thread-safe.
/// </summary>
internal sealed class SparseSimilarity
{
    private double[] _dot = [];
    private double[] _sx = [];
    private double[] _sy = [];
    private double[] _sxx = [];
    private double[] _syy = [];
    private int[] _count = [];
    private readonly List<int> _touched = [];

    /// <summary>Fills <paramref name="result"/> with (candidate, similarity) for every candidate sharing a key with the target.</summary>
    /// <param name="target">The target's cells (key → value).</param>
    /// <param name="targetNorm">L2 norm of the target (cosine).</param>
    /// <param name="transposed">For a key, the cells of the other vectors (candidate → value) that hold it.</param>
    /// <param name="candidateNorm">L2 norm of a candidate (cosine).</param>
    /// <param name="candidates">Upper bound on candidate indices.</param>
    /// <param name="self">A candidate to skip (the target itself), or -1.</param>
    public void Compute(
        IEnumerable<KeyValuePair<int, double>> target, double targetNorm, Func<int, Dictionary<int, double>> transposed,
        Func<int, double> candidateNorm, int candidates, int self, SimilarityKind kind, double shrinkage, int minCommon,
        List<(int Candidate, double Similarity)> result)
    {
        result.Clear();
        Ensure(candidates);
        foreach (var (key, x) in target)
        {
            foreach (var (j, y) in transposed(key))
            {
                if (j == self) continue;
                if (_count[j] == 0) _touched.Add(j);
                _count[j]++;
                _dot[j] += x * y;
                if (kind == SimilarityKind.Pearson)
                {
                    _sx[j] += x;
                    _sy[j] += y;
                    _sxx[j] += x * x;
                    _syy[j] += y * y;
                }
            }
        }
        foreach (int j in _touched)
        {
            int n = _count[j];
            double sim = n < Math.Max(minCommon, 1) ? 0 : kind == SimilarityKind.Cosine
                ? Cosine(_dot[j], targetNorm, candidateNorm(j))
                : Pearson(n, _sx[j], _sy[j], _sxx[j], _syy[j], _dot[j]);
            if (sim != 0 && shrinkage > 0) sim *= n / (n + shrinkage);
            result.Add((j, sim));
            _dot[j] = _sx[j] = _sy[j] = _sxx[j] = _syy[j] = 0;
            _count[j] = 0;
        }
        _touched.Clear();
    }

    internal static double Cosine(double dot, double normA, double normB)
    {
        double denominator = normA * normB;
        return denominator > 0 ? Math.Clamp(dot / denominator, -1, 1) : 0;
    }

    internal static double Pearson(int n, double sx, double sy, double sxx, double syy, double sxy)
    {
        if (n < 2) return 0;
        double cov = sxy - sx * sy / n;
        double vx = sxx - sx * sx / n;
        double vy = syy - sy * sy / n;
        // Constant vectors have no variance; rounding can leave a tiny positive residue, so compare relatively.
        if (vx <= 1e-12 * Math.Max(1, sxx) || vy <= 1e-12 * Math.Max(1, syy)) return 0;
        return Math.Clamp(cov / Math.Sqrt(vx * vy), -1, 1);
    }

    private void Ensure(int size)
    {
        if (_count.Length >= size) return;
        int grown = Math.Max(size, _count.Length * 2);
        Array.Resize(ref _dot, grown);
        Array.Resize(ref _sx, grown);
        Array.Resize(ref _sy, grown);
        Array.Resize(ref _sxx, grown);
        Array.Resize(ref _syy, grown);
        Array.Resize(ref _count, grown);
    }
}

namespace Lookalike.Core.Vectors;

/// <summary>
/// Keeps the k highest-scoring (score, row) pairs seen so far in a bounded min-heap: O(log k) per accepted
/// candidate, O(1) rejection once full. Ties break towards the lower row so results are deterministic.
/// </summary>
public sealed class TopK
{
    private readonly float[] _scores;
    private readonly int[] _rows;

    public TopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        _scores = new float[k];
        _rows = new int[k];
    }

    public int Capacity => _scores.Length;

    public int Count { get; private set; }

    /// <summary>The score a candidate must beat to enter once the heap is full; -∞ before.</summary>
    public float Threshold => Count < Capacity ? float.NegativeInfinity : _scores[0];

    public void Add(float score, int row)
    {
        if (float.IsNaN(score)) return;
        if (Count < Capacity)
        {
            int i = Count++;
            _scores[i] = score;
            _rows[i] = row;
            SiftUp(i);
        }
        else if (Better(score, row, _scores[0], _rows[0]))
        {
            _scores[0] = score;
            _rows[0] = row;
            SiftDown(0);
        }
    }

    /// <summary>Returns the kept pairs best first and empties the heap.</summary>
    public (float Score, int Row)[] DrainSorted()
    {
        var result = new (float, int)[Count];
        for (int i = 0; i < result.Length; i++) result[i] = (_scores[i], _rows[i]);
        Array.Sort(result, static (a, b) => Better(a.Item1, a.Item2, b.Item1, b.Item2) ? -1 : Better(b.Item1, b.Item2, a.Item1, a.Item2) ? 1 : 0);
        Count = 0;
        return result;
    }

    // "a is better than b": higher score, or equal score and lower row.
    private static bool Better(float sa, int ra, float sb, int rb) => sa > sb || (sa == sb && ra < rb);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Better(_scores[parent], _rows[parent], _scores[i], _rows[i])) break;
            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int left = 2 * i + 1, right = left + 1, worst = i;
            if (left < Count && Better(_scores[worst], _rows[worst], _scores[left], _rows[left])) worst = left;
            if (right < Count && Better(_scores[worst], _rows[worst], _scores[right], _rows[right])) worst = right;
            if (worst == i) return;
            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_rows[a], _rows[b]) = (_rows[b], _rows[a]);
    }
}

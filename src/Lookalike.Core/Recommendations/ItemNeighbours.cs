using Lookalike.Core.Catalog;

namespace Lookalike.Core.Recommendations;

/// <summary>An item's neighbour and their similarity (CF: −1…1 after shrinkage; only positive ones are kept).</summary>
public readonly record struct Neighbour(ItemId Item, float Similarity);

/// <summary>Item-item k-NN parameters (see docs/parameters.md).</summary>
public sealed record ItemKnnOptions
{
    public SimilarityKind Similarity { get; init; } = SimilarityKind.Cosine;

    /// <summary>Neighbours kept per item (K), 1–10,000.</summary>
    public int Neighbours { get; init; } = 100;

    /// <summary>
    /// Shrinkage β ≥ 0: each similarity is multiplied by <c>n / (n + β)</c>, n = number of co-rating users, so a pair seen
    /// together once counts less than one seen together often. 0 turns it off.
    /// </summary>
    public double Shrinkage { get; init; } = 5;

    /// <summary>Pairs with fewer co-rating users than this get similarity 0.</summary>
    public int MinCommon { get; init; } = 1;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Neighbours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Neighbours, 10_000);
        if (!(Shrinkage >= 0) || !double.IsFinite(Shrinkage)) throw new ArgumentOutOfRangeException(nameof(Shrinkage), Shrinkage, "Shrinkage must be ≥ 0.");
        ArgumentOutOfRangeException.ThrowIfLessThan(MinCommon, 1);
    }
}

/// <summary>
/// The top-K most similar items of every item with feedback, precomputed from an <see cref="InteractionMatrix"/> and
/// refreshed incrementally: after <see cref="InteractionMatrix.Apply"/>, <see cref="Refresh"/> recomputes the rows of the
/// changed items and patches the other items' lists where a changed item enters, moves up or leaves (a list that
/// loses or lowers a member is recomputed, since its truncated tail is unknown). The result equals a full rebuild.
/// Neighbours are sorted by similarity, ties by id. Not thread-safe; <see cref="RecommendationEngine"/> guards it.
/// </summary>
public sealed class ItemNeighbours
{
    private readonly InteractionMatrix _matrix;
    private readonly ItemKnnOptions _options;
    private readonly List<List<(int Item, double Similarity)>> _lists = [];
    // _members[j] = items whose list contains j (the reverse of _lists), to find lists a changed item sits in.
    private readonly List<HashSet<int>> _members = [];
    private readonly SparseSimilarity _similarity = new();
    private readonly List<(int, double)> _scratch = [];

    public ItemNeighbours(InteractionMatrix matrix, ItemKnnOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        _matrix = matrix;
        _options = options ?? new ItemKnnOptions();
        _options.Validate();
        Rebuild();
    }

    public ItemKnnOptions Options => _options;

    /// <summary>Items whose lists were (re)computed in full by the last <see cref="Refresh"/> or <see cref="Rebuild"/>.</summary>
    public int LastRecomputed { get; private set; }

    /// <summary>Recomputes every list.</summary>
    public void Rebuild()
    {
        Grow();
        foreach (var m in _members) m.Clear();
        for (int i = 0; i < _lists.Count; i++) _lists[i] = [];
        for (int i = 0; i < _lists.Count; i++) SetList(i, TopK(ComputeRow(i)));
        LastRecomputed = _lists.Count;
    }

    /// <summary>Brings the lists up to date after the columns of <paramref name="changed"/> changed in the matrix.</summary>
    public void Refresh(IReadOnlyCollection<ItemId> changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        Grow();
        var dirty = new HashSet<int>();
        foreach (var id in changed) if (_matrix.TryGetItem(id, out int i)) dirty.Add(i);
        var updates = new Dictionary<int, List<(int Item, double Similarity)>>();
        foreach (int i in dirty)
        {
            var row = ComputeRow(i);
            var seen = new HashSet<int>();
            foreach (var (j, s) in row)
            {
                seen.Add(j);
                if (!dirty.Contains(j)) Updates(updates, j).Add((i, s));
            }
            foreach (int j in _members[i])
            {
                // j listed i before; if i and j no longer share a user their similarity is now 0.
                if (!dirty.Contains(j) && !seen.Contains(j)) Updates(updates, j).Add((i, 0));
            }
            SetList(i, TopK(row));
        }
        int recomputed = dirty.Count;
        foreach (var (j, patch) in updates)
        {
            var list = _lists[j];
            bool full = false;
            foreach (var (i, s) in patch)
            {
                int at = list.FindIndex(n => n.Item == i);
                if (at >= 0 && s < list[at].Similarity) { full = true; break; }
            }
            if (full)
            {
                SetList(j, TopK(ComputeRow(j)));
                recomputed++;
                continue;
            }
            var merged = new List<(int Item, double Similarity)>(list);
            foreach (var (i, s) in patch)
            {
                int at = merged.FindIndex(n => n.Item == i);
                if (at >= 0) merged[at] = (i, s);
                else if (s > 0) merged.Add((i, s));
            }
            SetList(j, TopK(merged));
        }
        LastRecomputed = recomputed;
    }

    /// <summary>The neighbours of <paramref name="item"/>, most similar first; empty for an item without feedback.</summary>
    public IReadOnlyList<Neighbour> Of(ItemId item)
    {
        if (!_matrix.TryGetItem(item, out int i) || i >= _lists.Count) return [];
        var list = _lists[i];
        var result = new Neighbour[list.Count];
        for (int n = 0; n < list.Count; n++) result[n] = new Neighbour(_matrix.ItemAt(list[n].Item), (float)list[n].Similarity);
        return result;
    }

    internal List<(int Item, double Similarity)> ListOf(int item) => item < _lists.Count ? _lists[item] : [];

    private List<(int Item, double Similarity)> ComputeRow(int i)
    {
        _similarity.Compute(_matrix.Column(i), _matrix.ColumnNorm(i), _matrix.Row, _matrix.ColumnNorm, _matrix.ItemCount, i,
            _options.Similarity, _options.Shrinkage, _options.MinCommon, _scratch);
        return [.. _scratch];
    }

    private List<(int Item, double Similarity)> TopK(List<(int Item, double Similarity)> row)
    {
        var positive = row.Where(n => n.Similarity > 0).ToList();
        positive.Sort((a, b) =>
        {
            int c = b.Similarity.CompareTo(a.Similarity);
            return c != 0 ? c : ItemId.Ordinal.Compare(_matrix.ItemAt(a.Item), _matrix.ItemAt(b.Item));
        });
        if (positive.Count > _options.Neighbours) positive.RemoveRange(_options.Neighbours, positive.Count - _options.Neighbours);
        return positive;
    }

    private void SetList(int i, List<(int Item, double Similarity)> list)
    {
        foreach (var (j, _) in _lists[i]) _members[j].Remove(i);
        _lists[i] = list;
        foreach (var (j, _) in list) _members[j].Add(i);
    }

    private void Grow()
    {
        while (_lists.Count < _matrix.ItemCount)
        {
            _lists.Add([]);
            _members.Add([]);
        }
    }

    private static List<(int, double)> Updates(Dictionary<int, List<(int, double)>> updates, int j)
    {
        if (!updates.TryGetValue(j, out var list)) updates[j] = list = [];
        return list;
    }
}

using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;

namespace Lookalike.Core.Recommendations;

/// <summary>
/// The sparse user×item matrix collaborative filtering works on: one value per (user, item), the net signal of the
/// user's events on the item (<see cref="UserHistory"/>); zero cells are not stored. Grows incrementally:
/// <see cref="Apply"/> adds events and reports which item columns changed, so neighbour tables refresh only those.
/// Keeps each user's events in memory (a user's row is recomputed from them: latest rating wins, and so on), at most
/// <see cref="FeedbackLimits.MaxEventsPerUser"/> of them and <see cref="FeedbackLimits.MaxBytesPerUser"/> estimated
/// bytes: beyond that the oldest are forgotten (they stay in the store), so one user's memory and the cost of
/// recomputing their row are bounded whatever they send. Not thread-safe; <see cref="RecommendationEngine"/> guards it.
/// </summary>
public sealed class InteractionMatrix
{
    private readonly SignalWeights _weights;
    private readonly FeedbackLimits _limits;
    private readonly List<long> _userBytes = [];
    private readonly Dictionary<UserId, int> _userIndex = [];
    private readonly List<UserId> _users = [];
    private readonly List<List<FeedbackEvent>> _userEvents = [];
    private readonly List<UserHistory> _histories = [];
    private readonly List<Dictionary<int, double>> _rows = [];
    private readonly List<double> _rowSquares = [];
    private readonly Dictionary<ItemId, int> _itemIndex = [];
    private readonly List<ItemId> _items = [];
    private readonly List<Dictionary<int, double>> _columns = [];
    private readonly List<double> _columnSquares = [];

    public InteractionMatrix(SignalWeights? weights = null, FeedbackLimits? limits = null)
    {
        _weights = weights ?? SignalWeights.Default;
        _limits = limits ?? FeedbackLimits.Default;
    }

    /// <summary>Events of <paramref name="user"/> the model holds now (at most <see cref="FeedbackLimits.MaxEventsPerUser"/>).</summary>
    public int KeptEvents(UserId user) => _userIndex.TryGetValue(user, out int u) ? _userEvents[u].Count : 0;

    public SignalWeights Weights => _weights;

    /// <summary>Users with at least one event.</summary>
    public int UserCount => _users.Count;

    /// <summary>Items that ever had an event (columns, some possibly empty now).</summary>
    public int ItemCount => _items.Count;

    /// <summary>Stored (non-zero) cells.</summary>
    public long NonZeros { get; private set; }

    /// <summary>Events applied so far.</summary>
    public long EventCount { get; private set; }

    /// <summary>The highest <see cref="FeedbackEvent.Sequence"/> applied.</summary>
    public long LastSequence { get; private set; }

    public IReadOnlyList<UserId> Users => _users;

    /// <summary>Adds events (any order, any users) and returns the items whose column changed.</summary>
    public IReadOnlySet<ItemId> Apply(IEnumerable<FeedbackEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var changed = new HashSet<ItemId>();
        foreach (var group in events.GroupBy(e => e.User))
        {
            if (!_userIndex.TryGetValue(group.Key, out int u))
            {
                u = _users.Count;
                _userIndex[group.Key] = u;
                _users.Add(group.Key);
                _userEvents.Add([]);
                _userBytes.Add(0);
                _histories.Add(UserHistory.Empty);
                _rows.Add([]);
                _rowSquares.Add(0);
            }
            var list = _userEvents[u];
            foreach (var e in group)
            {
                list.Add(e);
                _userBytes[u] += FeedbackLimits.EstimatedBytes(e);
                EventCount++;
                if (e.Sequence > LastSequence) LastSequence = e.Sequence;
            }
            if (list.Count > _limits.MaxEventsPerUser || _userBytes[u] > _limits.MaxBytesPerUser) list = KeepNewest(u);
            var history = UserHistory.From(list, _weights, group.Key, _limits);
            _histories[u] = history;
            var row = _rows[u];
            var fresh = new Dictionary<int, double>(history.Items.Count);
            foreach (var signal in history.Items) fresh[ItemIndexOrAdd(signal.Item)] = signal.Weight;
            foreach (var (i, old) in row)
            {
                if (!fresh.ContainsKey(i)) { SetCell(u, i, 0, old); changed.Add(_items[i]); }
            }
            foreach (var (i, value) in fresh)
            {
                double old = row.GetValueOrDefault(i);
                if (old != value) { SetCell(u, i, value, old); changed.Add(_items[i]); }
            }
        }
        return changed;
    }

    /// <summary>The summed-up history of <paramref name="user"/>; <see cref="UserHistory.Empty"/> when unknown.</summary>
    public UserHistory HistoryOf(UserId user) => _userIndex.TryGetValue(user, out int u) ? _histories[u] : UserHistory.Empty;

    /// <summary>Number of users with a non-zero cell for <paramref name="item"/>.</summary>
    public int Interactions(ItemId item) => _itemIndex.TryGetValue(item, out int i) ? _columns[i].Count : 0;

    internal bool TryGetItem(ItemId item, out int index) => _itemIndex.TryGetValue(item, out index);

    internal bool TryGetUser(UserId user, out int index) => _userIndex.TryGetValue(user, out index);

    internal ItemId ItemAt(int index) => _items[index];

    internal Dictionary<int, double> Row(int user) => _rows[user];

    internal Dictionary<int, double> Column(int item) => _columns[item];

    internal double RowNorm(int user) => Math.Sqrt(Math.Max(_rowSquares[user], 0));

    internal double ColumnNorm(int item) => Math.Sqrt(Math.Max(_columnSquares[item], 0));

    /// <summary>Forgets the user's oldest events (time, then arrival) until both bounds hold.</summary>
    private List<FeedbackEvent> KeepNewest(int u)
    {
        var list = _userEvents[u];
        var newestFirst = list.Select((e, i) => (e, i)).OrderByDescending(x => x.e.Time).ThenByDescending(x => x.e.Sequence).ThenByDescending(x => x.i).ToList();
        var kept = new List<FeedbackEvent>(Math.Min(list.Count, _limits.MaxEventsPerUser));
        long bytes = 0;
        foreach (var (e, _) in newestFirst)
        {
            long size = FeedbackLimits.EstimatedBytes(e);
            if (kept.Count == _limits.MaxEventsPerUser || bytes + size > _limits.MaxBytesPerUser) break;
            kept.Add(e);
            bytes += size;
        }
        kept.Reverse(); // oldest first again, as they arrived
        _userEvents[u] = kept;
        _userBytes[u] = bytes;
        return kept;
    }

    private int ItemIndexOrAdd(ItemId item)
    {
        if (_itemIndex.TryGetValue(item, out int i)) return i;
        i = _items.Count;
        _itemIndex[item] = i;
        _items.Add(item);
        _columns.Add([]);
        _columnSquares.Add(0);
        return i;
    }

    private void SetCell(int u, int i, double value, double old)
    {
        var row = _rows[u];
        var column = _columns[i];
        if (old != 0) NonZeros--;
        if (value == 0)
        {
            row.Remove(i);
            column.Remove(u);
        }
        else
        {
            row[i] = value;
            column[u] = value;
            NonZeros++;
        }
        // Recompute the sums of squares exactly rather than adding differences, so an incremental matrix equals a rebuilt one.
        _rowSquares[u] = SumSquares(row);
        _columnSquares[i] = SumSquares(column);
    }

    private static double SumSquares(Dictionary<int, double> cells)
    {
        double sum = 0;
        foreach (var v in cells.Values) sum += v * v;
        return sum;
    }
}

using System.Globalization;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;

namespace Lookalike.Core.Evaluation;

/// <summary>How events are split into training and test: a date (<c>temporal:2020-07-22</c>, or <c>temporal</c> for the
/// date that leaves the newest 10% of events to test) or each user's last day (<c>leave-last-out</c>).</summary>
public sealed record SplitSpec
{
    private SplitSpec(bool temporal, DateTimeOffset? cutoff)
    {
        IsTemporal = temporal;
        Cutoff = cutoff;
    }

    public static SplitSpec LeaveLastOut { get; } = new(false, null);

    public static SplitSpec Temporal(DateTimeOffset? cutoff = null) => new(true, cutoff);

    /// <summary>True for a date split: every training event is older than every test event, so nothing from the future leaks.</summary>
    public bool IsTemporal { get; }

    /// <summary>The first test instant of a temporal split (events at or after it are test); null: chosen from the data.</summary>
    public DateTimeOffset? Cutoff { get; }

    /// <summary>Share of the newest events a temporal split without a date leaves to test.</summary>
    public const double AutoTestShare = 0.1;

    public override string ToString() => IsTemporal
        ? Cutoff is { } c ? "temporal:" + c.UtcDateTime.ToString(c.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "temporal"
        : "leave-last-out";

    /// <summary>Parses <c>temporal:DATE</c>, <c>temporal</c> or <c>leave-last-out</c>; DATE is ISO 8601, UTC unless it says otherwise.</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the bad text.</exception>
    public static SplitSpec Parse(string? text)
    {
        string t = text?.Trim() ?? "";
        if (t.Equals("leave-last-out", StringComparison.OrdinalIgnoreCase) || t.Equals("llo", StringComparison.OrdinalIgnoreCase)) return LeaveLastOut;
        if (t.Equals("temporal", StringComparison.OrdinalIgnoreCase)) return Temporal();
        const string prefix = "temporal:";
        if (t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) &&
            DateTimeOffset.TryParse(t[prefix.Length..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var cutoff))
            return Temporal(cutoff);
        throw LookalikeException.InvalidArgument("split", $"Unknown split '{text}': expected temporal:YYYY-MM-DD, temporal or leave-last-out.");
    }

    /// <summary>What the split promises about leakage, for printing beside results.</summary>
    public string LeakageNote => IsTemporal
        ? "time-ordered split: every training event is older than every test event, so nothing from the future leaks into training"
        : "leave-last-out: each user's last day is held out, but other users' later events stay in training, so the future can leak (use temporal:DATE for an honest estimate)";

    /// <summary>Splits events (any order).</summary>
    public FeedbackSplit Apply(IReadOnlyList<FeedbackEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (IsTemporal)
        {
            var cutoff = Cutoff ?? AutoCutoff(events);
            var train = events.Where(e => e.Time < cutoff).ToList();
            var test = events.Where(e => e.Time >= cutoff).ToList();
            return new FeedbackSplit(this, train, test, test.Select(e => e.User).Distinct().ToDictionary(u => u, _ => cutoff), cutoff);
        }
        var trainLlo = new List<FeedbackEvent>();
        var testLlo = new List<FeedbackEvent>();
        var now = new Dictionary<UserId, DateTimeOffset>();
        foreach (var group in events.GroupBy(e => e.User))
        {
            var last = group.Max(e => e.Time);
            // A user whose every event is on one day has no history to learn from: all training.
            bool hasEarlier = group.Any(e => e.Time < last);
            foreach (var e in group) (hasEarlier && e.Time == last ? testLlo : trainLlo).Add(e);
            if (hasEarlier) now[group.Key] = last;
        }
        return new FeedbackSplit(this, trainLlo, testLlo, now, null);
    }

    /// <summary>
    /// The splits a tuner may use inside <paramref name="split"/>'s training events, newest first. Temporal: windows of the
    /// test window's length just before the cutoff, each trained on everything before it; leave-last-out: leave-last-out
    /// applied again, fold after fold. Tuning on them never sees a test event.
    /// </summary>
    /// <param name="folds">How many validation windows (≥ 1); more windows, more validation users, less noise.</param>
    public IReadOnlyList<FeedbackSplit> ValidationFolds(FeedbackSplit split, IReadOnlyList<FeedbackEvent> allEvents, int folds = 1)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(allEvents);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(folds);
        var result = new List<FeedbackSplit>();
        if (!IsTemporal)
        {
            var remaining = split.Train;
            for (int f = 0; f < folds && remaining.Count > 0; f++)
            {
                var fold = LeaveLastOut.Apply(remaining);
                result.Add(fold);
                remaining = fold.Train;
            }
            return result;
        }
        var end = split.Cutoff!.Value;
        var last = allEvents.Count == 0 ? end : allEvents.Max(e => e.Time);
        var window = last - end;
        if (window <= TimeSpan.Zero) window = TimeSpan.FromDays(1);
        for (int f = 0; f < folds; f++)
        {
            var cutoff = end - window;
            var before = end;
            result.Add(Temporal(cutoff).Apply(split.Train.Where(e => e.Time < before).ToList()));
            end = cutoff;
        }
        return result;
    }

    /// <summary>The newest validation fold (see <see cref="ValidationFolds"/>).</summary>
    public FeedbackSplit ValidationOf(FeedbackSplit split, IReadOnlyList<FeedbackEvent> allEvents) => ValidationFolds(split, allEvents, 1)[0];

    private static DateTimeOffset AutoCutoff(IReadOnlyList<FeedbackEvent> events)
    {
        if (events.Count == 0) return DateTimeOffset.UnixEpoch;
        var times = events.Select(e => e.Time).Order().ToList();
        // The time of the event at the 90% mark; every event at that instant goes to test.
        return times[Math.Clamp((int)Math.Floor(times.Count * (1 - AutoTestShare)), 0, times.Count - 1)];
    }
}

/// <summary>Training and test events of a split, and each test user's "now" (the cutoff, or their held-out day).</summary>
public sealed record FeedbackSplit(
    SplitSpec Spec, IReadOnlyList<FeedbackEvent> Train, IReadOnlyList<FeedbackEvent> Test,
    IReadOnlyDictionary<UserId, DateTimeOffset> Now, DateTimeOffset? Cutoff);

using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Core.Tests.Recommendations;

/// <summary>
/// The model keeps a bounded window of each user's events (<see cref="FeedbackLimits"/>): the newest win, by count
/// and by estimated bytes, whether they arrive in one batch or one at a time; other users are untouched.
/// </summary>
public class UserWindowTests
{
    private static readonly UserId Ann = U("ann");
    private static readonly UserId Bob = U("bob");

    [Fact]
    public void OverTheEventLimit_NewestKept_InOneBatchOrOneByOne()
    {
        var limits = new FeedbackLimits { MaxEventsPerUser = 5 };
        var events = Enumerable.Range(0, 8).Select(i => FeedbackEvent.View(Ann, I($"v{i}"), Day(i)) with { Sequence = i + 1 }).ToList();

        var batch = new InteractionMatrix(limits: limits);
        batch.Apply(events.AsEnumerable().Reverse()); // arrival order does not decide; time does
        var single = new InteractionMatrix(limits: limits);
        foreach (var e in events) single.Apply([e]);

        foreach (var matrix in new[] { batch, single })
        {
            Assert.Equal(5, matrix.KeptEvents(Ann));
            Assert.Equal(["v3", "v4", "v5", "v6", "v7"], matrix.HistoryOf(Ann).Seen.Select(i => i.Value).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void OverTheByteBudget_NewestKept_OtherUsersUntouched()
    {
        var longQuery = new string('q', 1000);
        long one = FeedbackLimits.EstimatedBytes(FeedbackEvent.SearchClick(Ann, longQuery, I("s0"), Day(0)));
        var limits = new FeedbackLimits { MaxBytesPerUser = 3 * one };
        var matrix = new InteractionMatrix(limits: limits);
        matrix.Apply(Enumerable.Range(0, 10).Select(i => FeedbackEvent.SearchClick(Ann, longQuery, I($"s{i}"), Day(i))));
        matrix.Apply(Enumerable.Range(0, 4).Select(i => FeedbackEvent.Like(Bob, I($"b{i}"), Day(i))));
        Assert.Equal(3, matrix.KeptEvents(Ann));
        Assert.Equal(["s7", "s8", "s9"], matrix.HistoryOf(Ann).Seen.Select(i => i.Value).Order(StringComparer.Ordinal));
        Assert.Equal(4, matrix.KeptEvents(Bob));
    }
}

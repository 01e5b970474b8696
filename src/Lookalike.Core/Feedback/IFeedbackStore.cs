using Lookalike.Core.Recommendations;

namespace Lookalike.Core.Feedback;

/// <summary>
/// Where feedback events live (beside the catalog, in the same store). Writes are one transaction per call.
/// Events reference items by id and are kept when an item leaves the catalog (readers skip unknown items).
/// Implementations are thread-safe.
/// </summary>
public interface IFeedbackStore : IDisposable
{
    /// <summary>Appends events in one transaction; an event whose <see cref="FeedbackEvent.Source"/> is already stored is skipped.</summary>
    /// <returns>How many were stored (the rest were already there).</returns>
    /// <exception cref="Errors.LookalikeException">InvalidArgument when an event fails <see cref="FeedbackEvent.Validate"/>; StoreUnavailable when the store cannot be written.</exception>
    int Add(IReadOnlyList<FeedbackEvent> events);

    /// <summary>Every event with <see cref="FeedbackEvent.Sequence"/> above <paramref name="afterSequence"/>, in sequence order.</summary>
    IEnumerable<FeedbackEvent> Read(long afterSequence = 0);

    /// <summary>One user's events in sequence order.</summary>
    IReadOnlyList<FeedbackEvent> ReadUser(UserId user);

    /// <summary>
    /// The newest <paramref name="newest"/> events of one user in sequence order, and how many the user has in all;
    /// reads only those rows, so a user with a million events costs what <paramref name="newest"/> costs.
    /// </summary>
    (IReadOnlyList<FeedbackEvent> Events, int Total) ReadUserNewest(UserId user, int newest);

    /// <summary>The sequence of the newest event; 0 when there is none. Stamps derived models (neighbour tables).</summary>
    long LastSequence { get; }

    FeedbackStats GetStats();

    /// <summary>Removes every event of <paramref name="user"/>; returns how many.</summary>
    int RemoveUser(UserId user);

    /// <summary>The hybrid weights last saved by <see cref="SaveHybridWeights"/>, or null.</summary>
    HybridWeights? LoadHybridWeights();

    void SaveHybridWeights(HybridWeights weights);
}

/// <summary>What a feedback store holds.</summary>
public sealed record FeedbackStats
{
    public required long Events { get; init; }
    public required int Users { get; init; }
    public required int Items { get; init; }
    public required IReadOnlyDictionary<string, long> ByKind { get; init; }
    public DateTimeOffset? First { get; init; }
    public DateTimeOffset? Last { get; init; }
}

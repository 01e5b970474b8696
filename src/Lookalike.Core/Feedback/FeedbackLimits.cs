namespace Lookalike.Core.Feedback;

/// <summary>
/// Bounds on what one person's feedback may cost, applied wherever events enter (HTTP, CLI, CSV import) and where the
/// recommendation model keeps them, so no client can make the server hold or compute more than this per user. The
/// store keeps every event; only the in-memory model forgets: when a user goes over a bound, the newest events win
/// (order: time, then arrival). See docs/parameters.md ("Feedback limits").
/// </summary>
public sealed record FeedbackLimits
{
    public static FeedbackLimits Default { get; } = new();

    /// <summary>Most items in one ranking (input: more is an error naming the field). Default 100.</summary>
    public int MaxRankingItems { get; init; } = 100;

    /// <summary>Most members of one favourites list the model keeps (the latest added win). Default 1,000.</summary>
    public int MaxListItems { get; init; } = 1000;

    /// <summary>Most events of one user the model keeps (the newest win). Default 10,000.</summary>
    public int MaxEventsPerUser { get; init; } = 10_000;

    /// <summary>
    /// Estimated bytes of one user's events the model keeps (the newest win; <see cref="EstimatedBytes"/>), so long
    /// search texts or list names cannot multiply the memory of <see cref="MaxEventsPerUser"/>. Default 4 MiB.
    /// </summary>
    public long MaxBytesPerUser { get; init; } = 4L * 1024 * 1024;

    /// <summary>How far after "now" an event's time may be (a clock a little ahead is fine; 9999-12-31 is not). Default 1 day.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Approximate managed memory of <paramref name="e"/> as the model holds it (record, ids, context, source).</summary>
    public static long EstimatedBytes(FeedbackEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        const int record = 120, perString = 24;
        long bytes = record + perString + 2L * e.Item.Value.Length;
        if (e.Other is { } other) bytes += perString + 2L * other.Value.Length;
        if (e.Context is { } context) bytes += perString + 2L * context.Length;
        if (e.Source is { } source) bytes += perString + 2L * source.Length;
        return bytes;
    }

    /// <summary>Why <paramref name="time"/> is refused (too far in the future), or null.</summary>
    public string? CheckTime(DateTimeOffset time, DateTimeOffset now) =>
        time > now + MaxFutureSkew
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the time {time:yyyy-MM-dd'T'HH:mm:ssK} is more than {MaxFutureSkew.TotalHours:0} h in the future (now {now:yyyy-MM-dd'T'HH:mm:ssK})")
            : null;
}

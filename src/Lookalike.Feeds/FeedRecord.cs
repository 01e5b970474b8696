namespace Lookalike.Feeds;

/// <summary>One product of a feed.</summary>
/// <param name="Line">Where it starts in the feed: the line (text feeds) or the item's ordinal (XML, from 1).</param>
/// <param name="Id">The id column's value, trimmed.</param>
/// <param name="ImageUrl">The image column's value: an absolute http(s) URL.</param>
/// <param name="Metadata">Every other non-empty field by column name (without the <c>g:</c> prefix).</param>
public sealed record FeedRecord(int Line, string Id, Uri ImageUrl, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A row of a feed that was not read, and why; the rest of the feed is read.</summary>
/// <param name="Line">The line (text feeds) or the item's ordinal (XML).</param>
/// <param name="Id">The row's id when it had one.</param>
/// <param name="Message">What is wrong, naming the field.</param>
public sealed record FeedProblem(int Line, string? Id, string Message);

/// <summary>What <see cref="FeedReader"/> read: the products in feed order and the rows it could not use.</summary>
public sealed record FeedContent(FeedFormat Format, IReadOnlyList<FeedRecord> Records, IReadOnlyList<FeedProblem> Problems);

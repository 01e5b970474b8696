using Lookalike.Core.Errors;
using Lookalike.Feeds.Parsing;

namespace Lookalike.Feeds;

/// <summary>
/// Reads a product feed into <see cref="FeedRecord"/>s. A row without an id, with a duplicate id, or without an
/// absolute http(s) image URL is a <see cref="FeedProblem"/> naming its line and field, and the rest is read; a feed
/// that cannot be read at all (no header, a missing id or image column, malformed XML) is a
/// <see cref="LookalikeException"/> of kind <see cref="LookalikeErrorKind.InvalidArgument"/> naming the feed.
/// </summary>
public static class FeedReader
{
    /// <summary>Reads a feed file; the format is sniffed from its first bytes unless given.</summary>
    /// <exception cref="LookalikeException">NotFound when the file is missing; InvalidArgument when it cannot be read as a feed.</exception>
    public static FeedContent ReadFile(string path, FeedColumns columns, FeedFormat? format = null, FeedLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw LookalikeException.NotFound(path, $"Feed not found: {path}");
        limits ??= FeedLimits.Default;
        long length = new FileInfo(path).Length;
        if (length > limits.MaxFeedBytes)
            throw LookalikeException.InvalidArgument("--feed", $"Feed {path} is {length:N0} bytes, over the limit of {limits.MaxFeedBytes:N0} (--max-feed-bytes).");
        using var stream = File.OpenRead(path);
        return Read(stream, path, columns, format, limits);
    }

    /// <summary>Reads a feed from <paramref name="stream"/> (read to its end); <paramref name="name"/> names it in errors.</summary>
    public static FeedContent Read(Stream stream, string name, FeedColumns columns, FeedFormat? format = null, FeedLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(columns);
        limits ??= FeedLimits.Default;
        var buffered = stream.CanSeek ? stream : Buffer(stream, limits.MaxFeedBytes, name);
        var head = new byte[512];
        int headLength = buffered.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        buffered.Position = 0;
        var actual = format ?? FeedFormats.Sniff(head.AsSpan(0, headLength));
        var rows = new FeedRows(columns, limits);
        switch (actual)
        {
            case FeedFormat.Csv: DelimitedFeedParser.Parse(buffered, name, ',', rows); break;
            case FeedFormat.Tsv: DelimitedFeedParser.Parse(buffered, name, '\t', rows); break;
            case FeedFormat.JsonLines: JsonLinesFeedParser.Parse(buffered, name, rows, limits); break;
            case FeedFormat.MerchantXml: MerchantXmlFeedParser.Parse(buffered, name, rows, limits); break;
            default: throw new ArgumentOutOfRangeException(nameof(format), actual, null);
        }
        return new FeedContent(actual, rows.Records, rows.Problems);
    }

    private static MemoryStream Buffer(Stream stream, long maxBytes, string name)
    {
        var copy = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (copy.Length + read > maxBytes)
                throw LookalikeException.InvalidArgument("--feed", $"Feed {name} is over the limit of {maxBytes:N0} bytes (--max-feed-bytes).");
            copy.Write(chunk, 0, read);
        }
        copy.Position = 0;
        return copy;
    }
}

/// <summary>What one feed may cost.</summary>
/// <param name="MaxFeedBytes">The feed's size; default 512 MiB (Merchant Center accepts feeds up to 4 GB, split larger ones).</param>
/// <param name="MaxRecords">Products read; default 5,000,000.</param>
/// <param name="MaxFieldChars">One field or JSON line, in characters; default 1 Mi.</param>
public sealed record FeedLimits(long MaxFeedBytes = 512L << 20, int MaxRecords = 5_000_000, int MaxFieldChars = 1 << 20)
{
    public static FeedLimits Default { get; } = new();
}

namespace Lookalike.Feeds;

/// <summary>The product feed formats <see cref="FeedReader"/> reads.</summary>
public enum FeedFormat
{
    /// <summary>Comma-separated values with a header row (RFC 4180 quoting).</summary>
    Csv,

    /// <summary>Tab-separated values with a header row (Google Merchant's "tab-delimited" text feed).</summary>
    Tsv,

    /// <summary>One JSON object per line (<c>.jsonl</c>, <c>.ndjson</c>).</summary>
    JsonLines,

    /// <summary>Google Merchant Center RSS 2.0 or Atom 1.0 with the <c>g:</c> namespace (<c>g:id</c>, <c>g:image_link</c>, …).</summary>
    MerchantXml,
}

/// <summary>Names and sniffs <see cref="FeedFormat"/>s.</summary>
public static class FeedFormats
{
    /// <summary>Parses <c>csv</c>, <c>tsv</c>, <c>jsonl</c> (or <c>ndjson</c>) and <c>xml</c> (or <c>merchant</c>, <c>rss</c>); null otherwise.</summary>
    public static FeedFormat? Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "csv" => FeedFormat.Csv,
        "tsv" or "tab" or "txt" => FeedFormat.Tsv,
        "jsonl" or "ndjson" or "json" => FeedFormat.JsonLines,
        "xml" or "rss" or "atom" or "merchant" => FeedFormat.MerchantXml,
        _ => null,
    };

    /// <summary>
    /// The format of a feed from its first bytes: <c>&lt;</c> is XML, <c>{</c> JSON lines, a tab in the header line
    /// TSV, anything else CSV. The content decides, not the name, so a <c>feed.txt</c> or a URL without an extension reads.
    /// </summary>
    public static FeedFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\uFEFF"u8)) head = head[3..];
        int start = 0;
        while (start < head.Length && head[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        head = head[start..];
        if (head.IsEmpty) return FeedFormat.Csv;
        if (head[0] == (byte)'<') return FeedFormat.MerchantXml;
        if (head[0] == (byte)'{') return FeedFormat.JsonLines;
        int lineEnd = head.IndexOfAny((byte)'\n', (byte)'\r');
        var header = lineEnd < 0 ? head : head[..lineEnd];
        return header.Contains((byte)'\t') ? FeedFormat.Tsv : FeedFormat.Csv;
    }
}

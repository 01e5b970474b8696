using Lookalike.Core.Errors;

namespace Lookalike.Feeds.Parsing;

/// <summary>
/// Turns the rows a parser yields (field name → value) into records and problems, the same for every format: the id
/// and image URL checked, duplicates refused, every other non-empty field kept as metadata.
/// </summary>
internal sealed class FeedRows(FeedColumns columns, FeedLimits limits)
{
    private readonly Dictionary<string, int> _firstLine = new(StringComparer.Ordinal);
    private readonly string _id = FeedColumns.Bare(columns.IdColumn);
    private readonly string _image = FeedColumns.Bare(columns.ImageColumn);

    public List<FeedRecord> Records { get; } = [];

    public List<FeedProblem> Problems { get; } = [];

    public FeedLimits Limits => limits;

    /// <summary>The id and image column names as a text feed's header must spell them (matched without case and <c>g:</c>).</summary>
    public (string Id, string Image) Names => (_id, _image);

    /// <summary>Checks a text feed's header: both columns present, else the feed cannot be read.</summary>
    public void RequireColumns(IReadOnlyCollection<string> header, string feed)
    {
        foreach (var (option, column) in new[] { ("--id-column", _id), ("--image-column", _image) })
        {
            if (!header.Any(h => Matches(h, column)))
                throw LookalikeException.InvalidArgument(option, $"Feed {feed} has no column '{column}' ({option}); its columns are: {string.Join(", ", header)}.");
        }
    }

    /// <summary>True when a feed's field name <paramref name="field"/> is the column <paramref name="column"/>.</summary>
    public static bool Matches(string field, string column) =>
        string.Equals(FeedColumns.Bare(field.Trim()), column, StringComparison.OrdinalIgnoreCase);

    public void Add(int line, IEnumerable<KeyValuePair<string, string>> fields)
    {
        if (Records.Count >= limits.MaxRecords)
            throw LookalikeException.InvalidArgument("--feed", $"Feed has more than {limits.MaxRecords:N0} products; split it.");
        string? id = null;
        string? image = null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawName, rawValue) in fields)
        {
            string name = FeedColumns.Bare(rawName.Trim());
            string value = rawValue.Trim();
            if (Matches(name, _id)) id ??= value;
            else if (Matches(name, _image)) image ??= value;
            if (value.Length == 0 || name.Length == 0) continue;
            metadata[name] = metadata.TryGetValue(name, out var earlier) ? earlier + "," + value : value;
        }

        if (string.IsNullOrEmpty(id))
        {
            Problems.Add(new FeedProblem(line, null, $"no {_id} (--id-column)"));
            return;
        }
        if (!Core.Catalog.ItemId.TryParse(id, out _) || id.Contains('/', StringComparison.Ordinal))
        {
            Problems.Add(new FeedProblem(line, id, $"{_id} '{Printable(id)}' cannot be an item id (no '/', '\\', control characters, '.' or '..', at most 200 characters)"));
            return;
        }
        if (id.Length > 200)
        {
            Problems.Add(new FeedProblem(line, id, $"{_id} is {id.Length} characters, over 200"));
            return;
        }
        if (_firstLine.TryGetValue(id, out int first))
        {
            Problems.Add(new FeedProblem(line, id, $"duplicate {_id} '{id}' (first on line {first}); this row is ignored"));
            return;
        }
        if (string.IsNullOrEmpty(image))
        {
            Problems.Add(new FeedProblem(line, id, $"no {_image} (--image-column)"));
            return;
        }
        if (!Uri.TryCreate(image, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            Problems.Add(new FeedProblem(line, id, $"{_image} '{Printable(image)}' is not an absolute http(s) URL"));
            return;
        }
        _firstLine[id] = line;
        Records.Add(new FeedRecord(line, id, url, metadata));
    }

    private static string Printable(string value) =>
        new(value.Take(120).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Lookalike.Core.Errors;

namespace Lookalike.Feeds.Parsing;

/// <summary>CSV and TSV feeds: a header row, then one product a row (RFC 4180 quoting; Merchant's tab-delimited text).</summary>
internal static class DelimitedFeedParser
{
    public static void Parse(Stream stream, string feed, char delimiter, FeedRows rows)
    {
        var problems = new List<(int Line, string Message)>();
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter.ToString(),
            // Merchant's tab-delimited feeds do not quote; a stray quote in a title must not swallow the next rows.
            Mode = delimiter == '\t' ? CsvMode.NoEscape : CsvMode.RFC4180,
            DetectColumnCountChanges = false,
            MissingFieldFound = null,
            BadDataFound = args => problems.Add((args.Context.Parser?.RawRow ?? 0, $"bad quoting in field '{Shorten(args.Field)}'")),
            MaxFieldSize = rows.Limits.MaxFieldChars,
            TrimOptions = TrimOptions.None,
        };
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        using var csv = new CsvReader(reader, configuration);
        string[] header;
        try
        {
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } read)
                throw LookalikeException.InvalidArgument("--feed", $"Feed {feed} is empty: no header row.");
            header = read;
        }
        catch (CsvHelperException e)
        {
            throw LookalikeException.InvalidArgument("--feed", $"Feed {feed}: cannot read the header row: {e.Message.Split('\n')[0]}");
        }
        rows.RequireColumns(header, feed);

        while (true)
        {
            try
            {
                if (!csv.Read()) break;
            }
            catch (CsvHelperException e)
            {
                throw LookalikeException.InvalidArgument("--feed", $"Feed {feed}, line {csv.Parser.RawRow}: {e.Message.Split('\n')[0]}");
            }
            int line = csv.Parser.RawRow;
            if (problems.Count > 0)
            {
                foreach (var (problemLine, message) in problems) rows.Problems.Add(new FeedProblem(problemLine, null, message));
                problems.Clear();
                continue;
            }
            var record = csv.Parser.Record ?? [];
            if (record.Length == 1 && record[0].Length == 0) continue; // a blank line
            if (record.Length > header.Length)
            {
                rows.Problems.Add(new FeedProblem(line, null, $"{record.Length} fields, the header has {header.Length}"));
                continue;
            }
            rows.Add(line, header.Zip(record, (name, value) => new KeyValuePair<string, string>(name, value)));
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

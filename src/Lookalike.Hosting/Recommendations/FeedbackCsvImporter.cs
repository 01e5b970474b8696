using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;

namespace Lookalike.Hosting.Recommendations;

/// <summary>Which CSV columns hold what (<c>lookalike feedback import</c>). Column names match case-insensitively.</summary>
public sealed record FeedbackImportOptions
{
    public required string UserColumn { get; init; }

    public required string ItemColumn { get; init; }

    /// <summary>Column with the event time; null: every row gets the import time.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>A .NET custom date format for <see cref="TimeColumn"/>; null: ISO 8601 (date or date-time, UTC unless an offset is given) or Unix seconds / milliseconds.</summary>
    public string? TimeFormat { get; init; }

    /// <summary>The kind of every row; exactly one of this and <see cref="KindColumn"/>.</summary>
    public FeedbackKind? Kind { get; init; }

    /// <summary>Column naming each row's kind (<c>rating</c>, <c>like</c>, …).</summary>
    public string? KindColumn { get; init; }

    /// <summary>Column with the value (stars for ratings, position for rankings, 1/0 for favourites).</summary>
    public string? ValueColumn { get; init; }

    /// <summary>Column with the other item (the one liked less, for <c>prefer</c>).</summary>
    public string? OtherColumn { get; init; }

    /// <summary>Column with the context (favourite list, ranking id, search query).</summary>
    public string? ContextColumn { get; init; }

    public ItemMapping Items { get; init; } = new();

    /// <summary>Events per write transaction.</summary>
    public int BatchSize { get; init; } = 5000;
}

/// <summary>A row that was not imported: its line in the file (1 = header) and why.</summary>
public sealed record ImportFailure(int Line, string Message);

/// <summary>What an import did.</summary>
public sealed record FeedbackImportResult
{
    public required string File { get; init; }
    /// <summary>Data rows read (header excluded).</summary>
    public required int Rows { get; init; }
    public required int Imported { get; init; }
    /// <summary>Rows already imported by an earlier run of the same file (same file name and line).</summary>
    public required int AlreadyImported { get; init; }
    /// <summary>Rows not imported (bad or unknown); only the first <see cref="FeedbackCsvImporter.MaxReportedFailures"/> are in <see cref="Failures"/>.</summary>
    public required int Failed { get; init; }
    /// <summary>The first rows that were not imported, with why.</summary>
    public required IReadOnlyList<ImportFailure> Failures { get; init; }
    public required TimeSpan Elapsed { get; init; }
}

/// <summary>
/// Bulk import of feedback from a CSV file with a header row, mapping columns to event fields. Each row is checked on
/// its own (user, item in the catalog, kind, value, time); a bad row becomes an <see cref="ImportFailure"/> and the rest
/// is imported, in transactions of <see cref="FeedbackImportOptions.BatchSize"/>. Every event remembers its source
/// (<c>file.csv:line</c>), so importing the same file again adds nothing.
/// </summary>
public static class FeedbackCsvImporter
{
    /// <summary>Failed rows listed in the result (the rest are only counted), so a file of bad rows cannot fill memory.</summary>
    public const int MaxReportedFailures = 1000;

    /// <exception cref="LookalikeException">NotFound (no file); InvalidArgument (missing columns, bad options, not CSV).</exception>
    public static FeedbackImportResult Import(string path, FeedbackImportOptions options, IFeedbackStore store, ItemResolver items, TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(items);
        time ??= TimeProvider.System;
        if ((options.Kind is null) == (options.KindColumn is null))
            throw LookalikeException.InvalidArgument("kind", $"Give the kind of every row (--kind {string.Join('|', FeedbackKinds.Names)}) or the column that holds it (--kind-column), not both.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw LookalikeException.NotFound(full, $"Feedback file not found: {full}");
        string sourceName = Path.GetFileName(full);
        var started = Stopwatch.GetTimestamp();
        var importTime = time.GetUtcNow();
        var failures = new List<ImportFailure>();
        var batch = new List<FeedbackEvent>(options.BatchSize);
        int rows = 0, imported = 0, offered = 0, failed = 0;

        void Flush()
        {
            if (batch.Count == 0) return;
            offered += batch.Count;
            imported += store.Add(batch);
            batch.Clear();
        }

        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true,
            TrimOptions = TrimOptions.Trim,
            BadDataFound = null,
            MissingFieldFound = null,
        };
        try
        {
            using var reader = new StreamReader(full);
            using var csv = new CsvReader(reader, config);
            if (!csv.Read() || !csv.ReadHeader())
                throw LookalikeException.InvalidArgument(full, $"Feedback file {full} is empty; expected a header row.");
            string[] header = csv.HeaderRecord ?? [];
            int Column(string? name, string option)
            {
                if (name is null) return -1;
                int at = Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
                if (at < 0)
                    throw LookalikeException.InvalidArgument(option, $"Feedback file {full} has no column '{name}' (for {option}); its columns: {string.Join(", ", header)}.");
                return at;
            }
            int userAt = Column(options.UserColumn, "--user"), itemAt = Column(options.ItemColumn, "--item");
            int timeAt = Column(options.TimeColumn, "--time"), kindAt = Column(options.KindColumn, "--kind-column");
            int valueAt = Column(options.ValueColumn, "--value"), otherAt = Column(options.OtherColumn, "--other");
            int contextAt = Column(options.ContextColumn, "--context");

            while (csv.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                rows++;
                int line = csv.Parser.RawRow;
                string? Field(int at) => at >= 0 && at < csv.Parser.Count ? csv.GetField(at) : null;
                string? error = null;
                var e = ParseRow(Field(userAt), Field(itemAt), Field(kindAt), Field(valueAt), Field(otherAt), Field(contextAt),
                    timeAt >= 0 ? Field(timeAt) : null, timeAt >= 0, options, items, importTime, ref error);
                if (e is null)
                {
                    if (++failed <= MaxReportedFailures) failures.Add(new ImportFailure(line, error!));
                    continue;
                }
                batch.Add(e with { Source = $"{sourceName}:{line.ToString(CultureInfo.InvariantCulture)}" });
                if (batch.Count >= options.BatchSize) Flush();
            }
            Flush();
        }
        catch (CsvHelperException e)
        {
            Flush();
            throw LookalikeException.InvalidArgument(full, $"Feedback file {full} is not valid CSV: {e.Message}");
        }
        return new FeedbackImportResult
        {
            File = full,
            Rows = rows,
            Imported = imported,
            AlreadyImported = offered - imported,
            Failed = failed,
            Failures = failures,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
    }

    private static FeedbackEvent? ParseRow(string? userText, string? itemText, string? kindText, string? valueText, string? otherText, string? contextText,
        string? timeText, bool hasTime, FeedbackImportOptions options, ItemResolver items, DateTimeOffset importTime, ref string? error)
    {
        if (UserId.Validate(userText) is { } userError) { error = $"bad user '{userText}': {userError}"; return null; }
        var kind = options.Kind ?? default;
        if (options.Kind is null && !FeedbackKinds.TryParse(kindText, out kind))
        {
            error = $"unknown kind '{kindText}' (expected {string.Join(", ", FeedbackKinds.Names)})";
            return null;
        }
        if (items.Resolve(itemText, out string? itemError) is not { } item) { error = $"unknown item '{itemText}': {itemError}"; return null; }
        double? value = null;
        if (!string.IsNullOrWhiteSpace(valueText))
        {
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            {
                error = $"bad value '{valueText}': not a number";
                return null;
            }
            value = v;
        }
        Core.Catalog.ItemId? other = null;
        if (!string.IsNullOrWhiteSpace(otherText))
        {
            if (items.Resolve(otherText, out string? otherError) is not { } o) { error = $"unknown other item '{otherText}': {otherError}"; return null; }
            other = o;
        }
        var when = importTime;
        if (hasTime && !TryParseTime(timeText, options.TimeFormat, out when))
        {
            error = $"bad time '{timeText}'{(options.TimeFormat is null ? " (expected ISO 8601 such as 2020-09-22 or Unix seconds)" : $" (expected {options.TimeFormat})")}";
            return null;
        }
        if (FeedbackLimits.Default.CheckTime(when, importTime) is { } late)
        {
            error = $"bad time '{timeText}': {late}";
            return null;
        }
        var e = new FeedbackEvent
        {
            User = UserId.Parse(userText),
            Kind = kind,
            Item = item,
            Other = other,
            Value = value,
            Context = string.IsNullOrWhiteSpace(contextText) ? (kind == FeedbackKind.Favorite ? FeedbackEvent.DefaultList : null) : contextText,
            Time = when,
        };
        error = e.Validate();
        return error is null ? e : null;
    }

    /// <summary>Parses a time cell: <paramref name="format"/> when given, else ISO 8601 or Unix seconds (≤ 11 digits) / milliseconds.</summary>
    public static bool TryParseTime(string? text, string? format, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string t = text.Trim();
        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (format is not null) return DateTimeOffset.TryParseExact(t, format, CultureInfo.InvariantCulture, styles, out time);
        if (t.All(char.IsAsciiDigit) && t.Length <= 16 && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
        {
            if (t.Length is 8) // yyyyMMdd
                return DateTimeOffset.TryParseExact(t, "yyyyMMdd", CultureInfo.InvariantCulture, styles, out time);
            long ms = t.Length <= 11 ? number * 1000 : number;
            if (ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()) return false;
            time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }
        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, styles, out time);
    }
}

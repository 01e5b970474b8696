using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Errors;
using Lookalike.Hosting.Feeds;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary>The options of <c>index --feed</c> (docs/feeds.md) and the report of what the feed and its downloads did.</summary>
internal sealed class FeedOptions
{
    public Option<string?> Feed { get; } = new("--feed") { Description = "Index from a product feed (file or http(s) URL): CSV, TSV, JSON lines or Google Merchant XML; images are downloaded." };
    public Option<string> IdColumn { get; } = new("--id-column") { Description = "The feed's product id field (default id; Merchant's g:id).", DefaultValueFactory = _ => "id" };
    public Option<string> ImageColumn { get; } = new("--image-column") { Description = "The feed's image URL field (default image_link; Merchant's g:image_link).", DefaultValueFactory = _ => "image_link" };
    public Option<string?> Format { get; } = new("--feed-format") { Description = "csv, tsv, jsonl or xml (default: from the feed's first bytes)." };
    public Option<bool> LabelsFromFeed { get; } = new("--labels-from-feed") { Description = "Store the feed's other fields (title, price, product_type, …) as each item's metadata." };
    public Option<int> Concurrency { get; } = new("--concurrency") { Description = "Downloads in flight at once, 1–256.", DefaultValueFactory = _ => 8 };
    public Option<int> PerHost { get; } = new("--per-host") { Description = "Downloads in flight to one host, 1–64.", DefaultValueFactory = _ => 2 };
    public Option<double> PerHostInterval { get; } = new("--per-host-interval") { Description = "Least seconds between two requests to one host.", DefaultValueFactory = _ => 0.05 };
    public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds for the answer's headers, then for its body, per attempt.", DefaultValueFactory = _ => 30 };
    public Option<int> Retries { get; } = new("--retries") { Description = "Retries of a transient failure (connection, timeout, 408, 429, 5xx), 0–10.", DefaultValueFactory = _ => 3 };
    public Option<long> MaxImageBytes { get; } = new("--max-image-bytes") { Description = "Largest image downloaded.", DefaultValueFactory = _ => 20L << 20 };
    public Option<long> MaxFeedBytes { get; } = new("--max-feed-bytes") { Description = "Largest feed read.", DefaultValueFactory = _ => FeedJob.DefaultMaxFeedBytes };
    public Option<bool> AllowLinkLocal { get; } = new("--allow-link-local") { Description = "Allow downloads from link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10); refused by default." };

    public IEnumerable<Option> All => [Feed, IdColumn, ImageColumn, Format, LabelsFromFeed, Concurrency, PerHost, PerHostInterval, Timeout, Retries, MaxImageBytes, MaxFeedBytes, AllowLinkLocal];

    /// <summary>The job the options describe; null without <c>--feed</c>.</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the option out of range.</exception>
    public FeedJob? Job(ParseResult parse, bool prune)
    {
        if (parse.GetValue(Feed) is not { } feed) return null;
        string? format = parse.GetValue(Format);
        if (format is not null && !FeedJob.IsFormat(format))
            throw LookalikeException.InvalidArgument("--feed-format", $"--feed-format must be csv, tsv, jsonl or xml (got '{format}').");
        var downloads = new FeedDownloads
        {
            MaxConcurrency = parse.GetValue(Concurrency),
            MaxPerHost = parse.GetValue(PerHost),
            PerHostInterval = Seconds(parse.GetValue(PerHostInterval), "--per-host-interval", allowZero: true),
            AttemptTimeout = Seconds(parse.GetValue(Timeout), "--timeout", allowZero: false),
            MaxRetries = parse.GetValue(Retries),
            MaxBytes = parse.GetValue(MaxImageBytes),
            AllowLinkLocal = parse.GetValue(AllowLinkLocal),
        };
        try
        {
            downloads.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            string option = e.ParamName switch
            {
                nameof(FeedDownloads.MaxConcurrency) => "--concurrency",
                nameof(FeedDownloads.MaxPerHost) => "--per-host",
                nameof(FeedDownloads.MaxRetries) => "--retries",
                nameof(FeedDownloads.MaxBytes) => "--max-image-bytes",
                _ => e.ParamName ?? "--feed",
            };
            throw LookalikeException.InvalidArgument(option, $"{option} is out of range: {e.ActualValue} (see lookalike index --help).");
        }
        long maxFeed = parse.GetValue(MaxFeedBytes);
        if (maxFeed < 1) throw LookalikeException.InvalidArgument("--max-feed-bytes", $"--max-feed-bytes must be positive (got {maxFeed}).");
        return new FeedJob(feed, parse.GetValue(IdColumn)!, parse.GetValue(ImageColumn)!, format, prune)
        {
            Downloads = downloads,
            MaxFeedBytes = maxFeed,
            LabelsFromFeed = parse.GetValue(LabelsFromFeed),
        };
    }

    private static TimeSpan Seconds(double value, string option, bool allowZero)
    {
        if (double.IsNaN(value) || value < 0 || (!allowZero && value == 0) || value > 3600)
            throw LookalikeException.InvalidArgument(option, $"{option} must be {(allowZero ? "0" : "above 0")}–3600 seconds (got {value.ToString(CultureInfo.InvariantCulture)}).");
        return TimeSpan.FromSeconds(value);
    }

    /// <summary>The feed's bad rows and failed downloads, on stderr (every one; the JSON summary has them too).</summary>
    public static void PrintReport(FeedSyncOutcome outcome)
    {
        var console = Terminal.Error;
        var mirror = outcome.Mirror;
        string pruned = mirror.Pruned > 0 ? $" · pruned {mirror.Pruned}" : "";
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"feed {outcome.Format}: {outcome.Products} products · [green]downloaded[/] {mirror.Fetched} · [grey]unchanged[/] {mirror.NotModified} (304) · [red]failed[/] {mirror.Failures.Count} · bad rows {outcome.BadRows.Count}{pruned}"));
        foreach (var problem in outcome.BadRows)
            console.MarkupLineInterpolated($"  [red]✗[/] line {problem.Line}{(problem.Id is null ? "" : " (" + problem.Id + ")")}: {problem.Message}");
        foreach (var failure in mirror.Failures)
            console.MarkupLineInterpolated($"  [red]✗[/] {failure.Id} {failure.Url}: {(failure.Status is { } s ? s + " " : "")}{failure.Reason}{(failure.KeptPrevious ? " (the earlier image is kept)" : "")}");
    }
}

/// <summary><c>index --feed --json</c>: what the feed and its downloads did, then what indexing did.</summary>
internal sealed record FeedIndexSummary(FeedSummary Feed, Hosting.Ingest.IngestSummary Index);

/// <summary>The feed part of <see cref="FeedIndexSummary"/>.</summary>
internal sealed record FeedSummary(string Format, int Products, int Downloaded, int NotModified, int Pruned,
    IReadOnlyList<FeedBadRow> BadRows, IReadOnlyList<FeedFetchFailure> FailedDownloads)
{
    public static FeedSummary Of(FeedSyncOutcome outcome) => new(
        outcome.Format, outcome.Products, outcome.Mirror.Fetched, outcome.Mirror.NotModified,
        outcome.Mirror.Pruned, outcome.BadRows, outcome.Mirror.Failures);
}

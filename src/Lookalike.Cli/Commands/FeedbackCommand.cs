using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Errors;
using Lookalike.Core.Evaluation;
using Lookalike.Core.Feedback;
using Lookalike.Hosting;
using Lookalike.Hosting.Recommendations;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike feedback import|add|info|tune</c>: what people told us and did, stored beside the catalog.</summary>
internal static class FeedbackCommand
{
    public static Command Create()
    {
        var command = new Command("feedback", "Record what people like, rate, prefer and buy (used by 'recommend').");
        command.Subcommands.Add(Import());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Info());
        command.Subcommands.Add(Tune());
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<string>("file") { Description = "CSV file with a header row." };
        var user = new Option<string>("--user") { Description = "Column with the user id.", Required = true };
        var item = new Option<string>("--item") { Description = "Column naming the item (an item id, a file name without extension, see --item-format / --item-column).", Required = true };
        var time = new Option<string?>("--time") { Description = "Column with the event time (ISO 8601 or Unix seconds); default: the import time." };
        var timeFormat = new Option<string?>("--time-format") { Description = "Custom .NET date format for --time, e.g. dd/MM/yyyy." };
        var kind = new Option<string?>("--kind") { Description = $"Kind of every row: {string.Join(", ", FeedbackKinds.Names)}." };
        var kindColumn = new Option<string?>("--kind-column") { Description = "Column naming each row's kind (instead of --kind)." };
        var value = new Option<string?>("--value") { Description = "Column with the value (stars 1-5 for ratings, position for rankings)." };
        var other = new Option<string?>("--other") { Description = "Column with the item liked less (prefer)." };
        var context = new Option<string?>("--context") { Description = "Column with the list name, ranking id or search query." };
        var itemFormat = new Option<string?>("--item-format") { Description = "Format turning the item value into an item id, {0} = the value, e.g. \"images/{0}.jpg\"." };
        var itemColumn = new Option<string?>("--item-column") { Description = "Match the item value against this metadata column (from the labels CSV), e.g. article_id." };
        var store = CommonOptions.Store();
        var cluster = ClusterOptions.Cluster();
        var json = CommonOptions.Json();
        var command = new Command("import", "Import feedback events from a CSV file; bad rows are reported and skipped, re-imports add nothing.")
        {
            file, user, item, time, timeFormat, kind, kindColumn, value, other, context, itemFormat, itemColumn, store, cluster, json,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            FeedbackKind? constantKind = null;
            if (parse.GetValue(kind) is { } k)
            {
                if (!FeedbackKinds.TryParse(k, out var parsed))
                    throw LookalikeException.InvalidArgument("kind", $"Unknown kind '{k}': expected {string.Join(", ", FeedbackKinds.Names)}.");
                constantKind = parsed;
            }
            var options = new FeedbackImportOptions
            {
                UserColumn = parse.GetValue(user)!,
                ItemColumn = parse.GetValue(item)!,
                TimeColumn = parse.GetValue(time),
                TimeFormat = parse.GetValue(timeFormat),
                Kind = constantKind,
                KindColumn = parse.GetValue(kindColumn),
                ValueColumn = parse.GetValue(value),
                OtherColumn = parse.GetValue(other),
                ContextColumn = parse.GetValue(context),
                Items = new ItemMapping { Format = parse.GetValue(itemFormat), MetadataColumn = parse.GetValue(itemColumn) },
            };
            using var opened = CliStore.Open(parse.GetValue(store), cluster: parse.GetValue(cluster));
            var resolver = new ItemResolver(opened.Catalog.ReadAll(withVectors: false), options.Items);
            var result = FeedbackCsvImporter.Import(parse.GetValue(file)!, options, opened.Feedback, resolver, cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteLine(new
                {
                    file = result.File, rows = result.Rows, imported = result.Imported, already_imported = result.AlreadyImported,
                    failed = result.Failed, seconds = Math.Round(result.Elapsed.TotalSeconds, 3),
                    failures = result.Failures.Select(f => new { line = f.Line, message = f.Message }),
                });
            }
            else
            {
                var console = Terminal.Error;
                console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"[green]imported[/] {result.Imported:N0} of {result.Rows:N0} rows · [grey]already there[/] {result.AlreadyImported:N0} · [red]failed[/] {result.Failed:N0} · {result.Elapsed.TotalSeconds:0.0} s"));
                foreach (var f in result.Failures.Take(50)) console.MarkupLineInterpolated($"  [red]✗[/] line {f.Line}: {f.Message}");
                if (result.Failed > 50) console.MarkupLine($"  … and {result.Failed - 50} more (--json lists the first {FeedbackCsvImporter.MaxReportedFailures})");
            }
            await Task.CompletedTask;
            return result.Failed > 0 ? CommandRunner.BadInput : CommandRunner.Ok;
        }));
        return command;
    }

    private static Command Add()
    {
        var user = new Option<string>("--user") { Description = "Who gives the feedback.", Required = true };
        var like = Many("--like", "Like an item (repeatable).");
        var dislike = Many("--dislike", "Dislike an item (repeatable).");
        var purchase = Many("--purchase", "Record a purchase (repeatable).");
        var view = Many("--view", "Record a view (repeatable).");
        var favorite = Many("--favorite", "Add an item to a favourites list (repeatable; see --list).");
        var unfavorite = Many("--unfavorite", "Remove an item from a favourites list (repeatable).");
        var rate = new Option<string[]>("--rate") { Description = "Rate an item: --rate ITEM STARS (1-5; repeatable).", Arity = new ArgumentArity(2, 200), AllowMultipleArgumentsPerToken = true };
        var prefer = new Option<string?>("--prefer") { Description = "The item chosen (with --over)." };
        var over = new Option<string?>("--over") { Description = "The item not chosen (with --prefer)." };
        var rank = new Option<string[]>("--rank") { Description = "An ordered list, most liked first: --rank A B C.", Arity = new ArgumentArity(2, 1000), AllowMultipleArgumentsPerToken = true };
        var list = new Option<string?>("--list") { Description = "Favourites list name (default favorites)." };
        var search = new Option<string?>("--search") { Description = "A search query (image path or item) whose result was clicked (with --clicked)." };
        var clicked = new Option<string?>("--clicked") { Description = "The clicked search result (with --search)." };
        var time = new Option<string?>("--time") { Description = "When (ISO 8601); default now." };
        var store = CommonOptions.Store();
        var cluster = ClusterOptions.Cluster();
        var json = CommonOptions.Json();
        var command = new Command("add", "Record feedback of one user: likes, ratings, preferences, rankings, favourites, purchases, views, search clicks.")
        {
            user, like, dislike, rate, prefer, over, rank, favorite, unfavorite, list, purchase, view, search, clicked, time, store, cluster, json,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(() =>
        {
            var who = UserId.Parse(parse.GetValue(user));
            DateTimeOffset? when = null;
            if (parse.GetValue(time) is { } t)
            {
                if (!FeedbackCsvImporter.TryParseTime(t, null, out var parsed)) throw LookalikeException.InvalidArgument("time", $"Bad --time '{t}': expected ISO 8601, e.g. 2024-05-01T12:00:00Z.");
                when = parsed;
            }
            var inputs = new List<FeedbackInput>();
            void Each(Option<string[]> option, string kind, double? value = null, string? context = null)
            {
                foreach (string i in parse.GetValue(option) ?? []) inputs.Add(new FeedbackInput { Kind = kind, Item = i, Value = value, Context = context, Time = when });
            }
            Each(like, "like");
            Each(dislike, "dislike");
            Each(purchase, "purchase");
            Each(view, "view");
            Each(favorite, "favorite", 1, parse.GetValue(list));
            Each(unfavorite, "favorite", 0, parse.GetValue(list));
            string[] rates = parse.GetValue(rate) ?? [];
            if (rates.Length % 2 != 0) throw LookalikeException.InvalidArgument("rate", "--rate takes pairs: --rate ITEM STARS.");
            for (int i = 0; i < rates.Length; i += 2)
            {
                if (!double.TryParse(rates[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double stars))
                    throw LookalikeException.InvalidArgument("rate", $"Bad rating '{rates[i + 1]}' for {rates[i]}: expected a number from 1 to 5.");
                inputs.Add(new FeedbackInput { Kind = "rating", Item = rates[i], Value = stars, Time = when });
            }
            string? better = parse.GetValue(prefer), worse = parse.GetValue(over);
            if ((better is null) != (worse is null)) throw LookalikeException.InvalidArgument("prefer", "Give both --prefer A and --over B.");
            if (better is not null) inputs.Add(new FeedbackInput { Kind = "prefer", Item = better, Other = worse, Time = when });
            if (parse.GetValue(rank) is { Length: > 0 } ranked) inputs.Add(new FeedbackInput { Kind = "ranking", Items = ranked, Time = when });
            string? query = parse.GetValue(search), click = parse.GetValue(clicked);
            if ((query is null) != (click is null)) throw LookalikeException.InvalidArgument("search", "Give both --search QUERY and --clicked ITEM.");
            if (query is not null) inputs.Add(new FeedbackInput { Kind = "search", Item = click, Context = query, Time = when });
            if (inputs.Count == 0)
                throw LookalikeException.InvalidArgument("feedback", "Nothing to record: give --like, --dislike, --rate, --prefer/--over, --rank, --favorite, --purchase, --view or --search/--clicked.");

            using var opened = CliStore.Open(parse.GetValue(store), cluster: parse.GetValue(cluster));
            var resolver = new ItemResolver(opened.Catalog.ReadAll(withVectors: false));
            var now = TimeProvider.System.GetUtcNow();
            var events = inputs.SelectMany(i => i.ToEvents(who, resolver, now)).ToList();
            int stored = opened.Feedback.Add(events);
            if (parse.GetValue(json))
                JsonOutput.WriteLine(new { user = who.Value, stored, events = events.Select(e => new { kind = FeedbackKinds.Name(e.Kind), item = e.Item.Value, other = e.Other?.Value, value = e.Value, context = e.Context, time = e.Time }) });
            else
                Terminal.Error.MarkupLineInterpolated($"[green]stored[/] {stored} event(s) for {who.Value}: {string.Join(", ", events.Select(Describe))}");
            return Task.FromResult(CommandRunner.Ok);
        }));
        return command;
    }

    private static Command Info()
    {
        var store = CommonOptions.Store();
        var cluster = ClusterOptions.Cluster();
        var json = CommonOptions.Json();
        var command = new Command("info", "Show how much feedback the store holds, and the hybrid weights.") { store, cluster, json };
        command.SetAction((parse, _) => CommandRunner.RunAsync(() =>
        {
            using var opened = CliStore.Open(parse.GetValue(store), cluster: parse.GetValue(cluster));
            var feedback = opened.Feedback;
            var stats = feedback.GetStats();
            var weights = feedback.LoadHybridWeights();
            if (parse.GetValue(json))
            {
                JsonOutput.WriteLine(new
                {
                    events = stats.Events, users = stats.Users, items = stats.Items, by_kind = stats.ByKind, first = stats.First, last = stats.Last,
                    hybrid_weights = weights?.ToString(), weights_origin = weights?.Origin, validation_ndcg = weights?.ValidationScore,
                });
                return Task.FromResult(CommandRunner.Ok);
            }
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("events", stats.Events.ToString("N0", CultureInfo.InvariantCulture));
            grid.AddRow("users", stats.Users.ToString("N0", CultureInfo.InvariantCulture));
            grid.AddRow("items", stats.Items.ToString("N0", CultureInfo.InvariantCulture));
            grid.AddRow("kinds", Markup.Escape(stats.ByKind.Count == 0 ? "-" : string.Join(", ", stats.ByKind.Select(kv => $"{kv.Key} {kv.Value:N0}"))));
            grid.AddRow("period", stats.First is { } f && stats.Last is { } l ? $"{f:yyyy-MM-dd} … {l:yyyy-MM-dd}" : "-");
            grid.AddRow("hybrid weights", Markup.Escape(weights is null ? $"{Core.Recommendations.HybridWeights.Default} (default; run 'feedback tune')" : $"{weights} ({weights.Origin})"));
            Terminal.Out.Write(grid);
            return Task.FromResult(CommandRunner.Ok);
        }));
        return command;
    }

    private static Command Tune()
    {
        var split = new Option<string>("--split") { Description = "Validation split: temporal (newest 10% of events), temporal:DATE or leave-last-out.", DefaultValueFactory = _ => "temporal" };
        var k = new Option<int>("-k", "--k") { Description = "Cut-off of the tuning metric nDCG@k (default 10).", DefaultValueFactory = _ => 10 };
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var command = new Command("tune", "Tune the hybrid's weights on the newest feedback (grid search on nDCG@k) and store them.") { split, k, store, json };
        command.SetAction((parse, _) => CommandRunner.RunAsync(() =>
        {
            var spec = SplitSpec.Parse(parse.GetValue(split));
            using var opened = CliStore.Open(parse.GetValue(store));
            var result = opened.Recommendations.TuneWeights(spec, parse.GetValue(k));
            if (parse.GetValue(json))
                JsonOutput.WriteLine(new { weights = result.Weights.ToString(), origin = result.Weights.Origin, ndcg = result.Ndcg, hit_rate = result.HitRate, users = result.Users, combinations = result.Combinations, resamples = result.Resamples });
            else
                Terminal.Error.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                    $"[green]stored[/] hybrid weights {result.Weights} · validation nDCG@{parse.GetValue(k)} {result.Ndcg:0.0000}, HR {result.HitRate:0.0000} · {result.Users} users, {result.Combinations} combinations");
            return Task.FromResult(CommandRunner.Ok);
        }));
        return command;
    }

    private static Option<string[]> Many(string name, string description) => new(name) { Description = description, AllowMultipleArgumentsPerToken = false };

    private static string Describe(FeedbackEvent e) => e.Kind switch
    {
        FeedbackKind.Prefer => $"prefer {e.Item} over {e.Other}",
        FeedbackKind.Rating => $"rating {e.Item} {e.Value?.ToString(CultureInfo.InvariantCulture)}",
        FeedbackKind.Ranking => $"#{e.Value?.ToString(CultureInfo.InvariantCulture)} {e.Item}",
        FeedbackKind.Favorite => $"{(e.Value is 0 ? "unfavorite" : "favorite")} {e.Item} ({e.Context})",
        _ => $"{FeedbackKinds.Name(e.Kind)} {e.Item}",
    };
}

using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using Lookalike.Core.Search;
using Lookalike.Hosting.Query;
using Lookalike.Hosting.Recommendations;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary>
/// <c>lookalike recommend --user U</c>, an anonymous session <c>recommend --like A --dislike C</c>, or an item page
/// <c>recommend --item ITEM</c> (bought together + looks like).
/// </summary>
internal static class RecommendCommand
{
    public static Command Create()
    {
        var user = new Option<string?>("--user") { Description = "A user with stored feedback." };
        var like = new Option<string[]>("--like") { Description = "Anonymous session: an item or image file the visitor likes (repeatable)." };
        var dislike = new Option<string[]>("--dislike") { Description = "Anonymous session: an item or image file the visitor dislikes (repeatable)." };
        var item = new Option<string?>("--item") { Description = "An item page: people also bought, and look-alikes." };
        var k = new Option<int>("-k", "--k") { Description = "Number of recommendations, 1–1000 (default 10).", DefaultValueFactory = _ => 10 };
        var strategy = new Option<string>("--strategy") { Description = "popular, visual (Rocchio profile), visualknn (look-alikes of recent items), itemknn, userknn or hybrid (default).", DefaultValueFactory = _ => "hybrid" };
        var where = CommonOptions.Where();
        var diversity = new Option<double?>("--diversity") { Description = "MMR λ in 0–1: lower trades relevance for visual variety (default off)." };
        var collapse = new Option<double?>("--collapse") { Description = "Drop near-duplicate photos with cosine ≥ τ, e.g. 0.95 (default off)." };
        var includeSeen = new Option<bool>("--include-seen") { Description = "Also recommend items the user already bought, rated or liked." };
        var similarity = new Option<string>("--similarity") { Description = "CF similarity: cosine (default; purchases, likes) or pearson (ratings).", DefaultValueFactory = _ => "cosine" };
        var store = CommonOptions.Store();
        var cluster = ClusterOptions.Cluster();
        var model = CommonOptions.Model();
        var json = CommonOptions.Json();
        var command = new Command("recommend", "Recommend items for a user, for an anonymous set of likes and dislikes, or for an item page.")
        {
            user, like, dislike, item, k, strategy, where, diversity, collapse, includeSeen, similarity, store, cluster, model, json,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(() =>
        {
            string? who = parse.GetValue(user), page = parse.GetValue(item);
            string[] likes = parse.GetValue(like) ?? [], dislikes = parse.GetValue(dislike) ?? [];
            int modes = (who is null ? 0 : 1) + (page is null ? 0 : 1) + (likes.Length + dislikes.Length > 0 ? 1 : 0);
            if (modes != 1) throw LookalikeException.InvalidArgument("user", "Give exactly one of --user U, --like/--dislike ITEM (anonymous), or --item ITEM.");
            if (!RecommendationStrategies.TryParse(parse.GetValue(strategy), out var chosen))
                throw LookalikeException.InvalidArgument("strategy", $"Unknown strategy '{parse.GetValue(strategy)}': expected popular, visual, visualknn, itemknn, userknn or hybrid.");
            var options = new RecommendOptions
            {
                K = parse.GetValue(k),
                Strategy = chosen,
                Where = ItemFilter.Parse(parse.GetValue(where) ?? []),
                MmrLambda = parse.GetValue(diversity),
                DuplicateThreshold = parse.GetValue(collapse),
                IncludeSeen = parse.GetValue(includeSeen),
            };
            using var opened = CliStore.Open(parse.GetValue(store), parse.GetValue(model), recommender: EvalRecsCommand.Options(parse.GetValue(similarity)), cluster: parse.GetValue(cluster));
            var service = opened.Recommendations;
            if (page is not null)
            {
                var also = service.Also(page, options.K, options.Where);
                if (parse.GetValue(json)) JsonOutput.WriteLine(also);
                else
                {
                    Header(also.Query, $"item {also.Query.Item}");
                    Table("People also bought", also.BoughtTogether);
                    Table("Looks like", also.LooksLike);
                    Table("Both, blended", also.Blended);
                }
                return Task.FromResult(CommandRunner.Ok);
            }
            var result = who is not null
                ? service.ForUser(UserId.Parse(who), options)
                : service.ForSession(likes, dislikes, options);
            if (parse.GetValue(json)) JsonOutput.WriteLine(result);
            else
            {
                Header(result.Query, result.Query.User is { } u ? $"user {u}" : "this session");
                Table(null, result.Results);
            }
            return Task.FromResult(CommandRunner.Ok);
        }));
        return command;
    }

    private static void Header(RecommendationQuery query, string subject)
    {
        string weights = query.Weights is null ? "" : $" · weights {query.Weights}";
        Terminal.Out.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold]Recommended for {subject}[/] · {query.Strategy} · {query.HistoryItems} history item(s){weights}");
        if (query.Note is { } note) Terminal.Out.MarkupLineInterpolated($"[grey]{note}[/]");
    }

    private static void Table(string? title, IReadOnlyList<RankedItem> items)
    {
        if (title is not null) Terminal.Out.MarkupLineInterpolated($"[underline]{title}[/]");
        var table = new Table().Border(TableBorder.Simple).AddColumn("rank").AddColumn("id").AddColumn(new TableColumn("score").RightAligned()).AddColumn("metadata");
        foreach (var hit in items)
        {
            table.AddRow(
                hit.Rank.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(hit.Id),
                hit.Score.ToString("0.000", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", hit.Metadata.Where(kv => kv.Key is not ("id" or "detail_desc")).Take(6).Select(kv => $"{kv.Key}={kv.Value}"))));
        }
        Terminal.Out.Write(table);
    }
}

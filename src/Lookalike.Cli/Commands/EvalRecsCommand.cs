using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Evaluation;
using Lookalike.Core.Learning;
using Lookalike.Hosting;
using Lookalike.Hosting.Learning;
using Lookalike.Core.Recommendations;
using Lookalike.Hosting.Recommendations;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike eval-recs</c>: offline evaluation of every recommendation strategy side by side.</summary>
internal static class EvalRecsCommand
{
    public static Command Create()
    {
        var split = new Option<string>("--split") { Description = "temporal:DATE (test = events from DATE on), temporal (newest 10%) or leave-last-out (each user's last day).", DefaultValueFactory = _ => "temporal" };
        var k = new Option<int>("-k", "--k") { Description = "Cut-off of every metric (default 10).", DefaultValueFactory = _ => 10 };
        var similarity = new Option<string>("--similarity") { Description = "CF similarity: cosine (default; purchases, likes) or pearson (ratings).", DefaultValueFactory = _ => "cosine" };
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var learn = new Option<ProjectionMethod?>("--learn") { Description = "Learn the look-alike space from the training events only (head or lw, as 'learn --feedback' does) and evaluate every strategy in it." };
        var tuneFor = new Option<string>("--tune-for") { Description = "What the validation windows maximise when choosing the hybrid's weights and popularity's half-life: hr (HR@k, default) or ndcg.", DefaultValueFactory = _ => "hr" };
        var head = new LearnCommand.HeadOptions();
        var command = new Command("eval-recs", "Evaluate every recommendation strategy on a split of the stored feedback: HR, nDCG, MAP, recall @k, coverage, cold-start.")
        {
            split, k, similarity, store, json, learn, tuneFor,
        };
        head.AddTo(command);
        var pairing = new PairingOptions();
        pairing.AddTo(command);
        command.SetAction((parse, _) => CommandRunner.RunAsync(() =>
        {
            var spec = SplitSpec.Parse(parse.GetValue(split));
            var objective = TuningObjectives.Parse(parse.GetValue(tuneFor), "--tune-for");
            int cutoff = parse.GetValue(k);
            Core.Search.SearchRequest.CheckK(cutoff);
            using var opened = CliStore.Open(parse.GetValue(store));
            var feedback = opened.Feedback;
            var progress = new SyncProgress(m => Console.Error.WriteLine(m));
            var index = opened.Query.Index;
            var stored = opened.Query.LearnedProjection;
            using var raw = stored is { Descriptor.Source: "feedback" } ? LearnedIndex.Raw(opened.Catalog) : null;
            if (raw is not null)
            {
                // A projection learned from feedback has seen the test period: evaluate raw (or learn again from training events).
                Console.Error.WriteLine($"note: the store's space was {stored!.Descriptor.Summary}, which may include the test period; eval-recs uses the raw vectors{(parse.GetValue(learn) is null ? " (--learn learns from the training events only)" : "")}");
                index = raw;
            }
            Func<IReadOnlyList<Core.Feedback.FeedbackEvent>, Core.Search.IVectorIndex>? learnFromTraining = null;
            if (parse.GetValue(learn) is { } method)
            {
                var options = head.Read(parse);
                var pairs = pairing.Read(parse);
                learnFromTraining = train =>
                {
                    var items = opened.Catalog.ReadAll(withVectors: true).ToList();
                    var learned = LearnedIndex.FromFeedback(items, train, method, options, progress, pairs);
                    foreach (var note in learned.Set.Notes) progress.Report("note: " + note);
                    progress.Report($"learned {method.ToString().ToLowerInvariant()} from {learned.Set.Pairs:N0} training pairs of {learned.Set.Items:N0} items ({pairs})");
                    return learned.Index;
                };
            }
            var report = RecommendationEvaluator.Run(index, feedback, spec, cutoff, Options(parse.GetValue(similarity)), progress, learnFromTraining: learnFromTraining, objective: objective);
            Console.Error.WriteLine(report.LeakageNote);
            if (parse.GetValue(json))
            {
                foreach (var row in report.Rows) JsonOutput.WriteLine(JsonRow(report, row));
                return Task.FromResult(CommandRunner.Ok);
            }
            Write(report);
            return Task.FromResult(CommandRunner.Ok);
        }));
        return command;
    }

    /// <summary>Recommender options with the CF similarity named on the command line.</summary>
    public static RecommenderOptions Options(string? similarity)
    {
        if (!SimilarityKinds.TryParse(similarity ?? "cosine", out var kind))
            throw Core.Errors.LookalikeException.InvalidArgument("similarity", $"Unknown similarity '{similarity}': expected cosine or pearson.");
        var defaults = new RecommenderOptions();
        return defaults with
        {
            ItemKnn = defaults.ItemKnn with { Similarity = kind },
            UserKnn = defaults.UserKnn with { Similarity = kind },
        };
    }

    /// <summary>One JSON line per strategy: metric names carry k (<c>hr_at_10</c>).</summary>
    private static Dictionary<string, object?> JsonRow(EvaluationReport report, StrategyScore row)
    {
        string at = "_at_" + row.K.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, object?>
        {
            ["strategy"] = row.Strategy,
            ["hr" + at] = Round(row.HitRate),
            ["hr" + at + "_ci"] = Interval(row.HitRateInterval),
            ["ndcg" + at] = Round(row.Ndcg),
            ["ndcg" + at + "_ci"] = Interval(row.NdcgInterval),
            ["map" + at] = Round(row.Map),
            ["recall" + at] = Round(row.Recall),
            ["precision" + at] = Round(row.Precision),
            ["mrr" + at] = Round(row.Mrr),
            ["coverage"] = Round(row.Coverage),
            ["cold_hr" + at] = Round(row.ColdHitRate),
            ["cold_recall" + at] = Round(row.ColdRecall),
            ["cold_ndcg" + at] = Round(row.ColdNdcg),
            ["users"] = row.Users,
            ["cold_users"] = row.ColdUsers,
            ["ms_per_user"] = Math.Round(row.MillisecondsPerUser, 2),
            ["split"] = report.Split,
            ["time_safe"] = report.TimeSafe,
            ["train_events"] = report.TrainEvents,
            ["test_events"] = report.TestEvents,
            ["catalog_items"] = report.CatalogItems,
            ["weights"] = row.Strategy == "hybrid" ? report.Weights.ToString() : null,
            ["tuned_for"] = row.Strategy == "hybrid" ? TuningObjectives.Name(report.Tuning.Objective) : null,
            ["popularity_half_life_days"] = row.Strategy == "popular" ? report.PopularityHalfLife?.TotalDays : null,
            ["vs"] = row.Strategy == "hybrid"
                ? report.Comparisons.ToDictionary(c => c.Other, c => new Dictionary<string, object>
                {
                    ["hr" + at + "_diff"] = Round(c.HitRateDifference), ["hr" + at + "_diff_ci"] = Interval(c.HitRateInterval),
                    ["ndcg" + at + "_diff"] = Round(c.NdcgDifference), ["ndcg" + at + "_diff_ci"] = Interval(c.NdcgInterval),
                    ["verdict"] = c.Verdict,
                })
                : null,
            ["learned_vs_raw"] = report.LearnedVsRaw.FirstOrDefault(c => c.Strategy == row.Strategy) is { } l
                ? new Dictionary<string, object>
                {
                    ["hr" + at + "_diff"] = Round(l.HitRateDifference), ["hr" + at + "_diff_ci"] = Interval(l.HitRateInterval),
                    ["ndcg" + at + "_diff"] = Round(l.NdcgDifference), ["ndcg" + at + "_diff_ci"] = Interval(l.NdcgInterval),
                    ["verdict"] = l.Verdict,
                }
                : null,
        };
    }

    private static double[] Interval(BootstrapInterval interval) => [Round(interval.Low), Round(interval.High)];

    private static double Round(double value) => Math.Round(value, 5);

    private static void Write(EvaluationReport report)
    {
        var console = Terminal.Out;
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]split {report.Split}[/] · {report.TrainEvents:N0} training / {report.TestEvents:N0} test events · {report.TestUsers:N0} test users ({report.ColdTestUsers:N0} with cold items) · catalog {report.CatalogItems:N0} · {report.Seconds:0.0} s");
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"hybrid weights {report.Weights} ({report.Weights.Origin}, validation HR@{report.K} {report.Tuning.HitRate:0.0000}, nDCG@{report.K} {report.Tuning.Ndcg:0.0000})");
        string at = "@" + report.K.ToString(CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Simple).AddColumn("strategy");
        foreach (string column in (string[])["HR" + at, "95% CI", "nDCG" + at, "95% CI", "MAP" + at, "recall" + at, "coverage", "cold HR" + at, "ms/user"])
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var row in report.Rows)
        {
            table.AddRow(row.Strategy, F(row.HitRate), Markup.Escape(row.HitRateInterval.ToString()), F(row.Ndcg), Markup.Escape(row.NdcgInterval.ToString()), F(row.Map), F(row.Recall), F(row.Coverage), F(row.ColdHitRate),
                row.MillisecondsPerUser.ToString("0.0", CultureInfo.InvariantCulture));
        }
        console.Write(table);
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"popularity half-life {(report.PopularityHalfLife is { } h ? $"{h.TotalDays:0} days" : "none")} (chosen on the validation windows); {RecommendationEvaluator.AllTimePopular} counts every training event alike");
        foreach (var c in report.Comparisons)
        {
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"{c.Strategy} − {c.Other}: HR{at} {c.HitRateDifference:+0.0000;-0.0000;0} {c.HitRateInterval} ({c.Verdict}), nDCG{at} {c.NdcgDifference:+0.0000;-0.0000;0} {c.NdcgInterval}");
        }
        foreach (var c in report.LearnedVsRaw)
        {
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"{c.Strategy} learned − raw: HR{at} {c.HitRateDifference:+0.0000;-0.0000;0} {c.HitRateInterval} ({c.Verdict}), nDCG{at} {c.NdcgDifference:+0.0000;-0.0000;0} {c.NdcgInterval}");
        }
        console.MarkupLineInterpolated($"[grey]{report.LeakageNote}[/]");
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>Reports progress on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}

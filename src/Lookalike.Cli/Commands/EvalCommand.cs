using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Errors;
using Lookalike.Core.Retrieval;
using Lookalike.Hosting;
using Lookalike.Hosting.Evaluation;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike eval</c>: leave-one-out retrieval quality of the store against a label column.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var label = new Option<string>("--label-column") { Description = "Metadata column whose value defines relevance (a result is relevant when it shares the query's value).", Required = true };
        var k = new Option<int>("-k", "--k") { Description = "Cut-off of every metric, 1–1000 (default 10).", DefaultValueFactory = _ => 10 };
        var queries = new Option<int?>("--queries") { Description = "Evaluate a seeded random sample of this many labelled items (default: all)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the --queries sample (default 42).", DefaultValueFactory = _ => 42 };
        var json = CommonOptions.Json();
        var html = new Option<string?>("--html") { Description = "Write an HTML page of the worst queries as image strips." };
        var pcaw = new Option<int>("--pcaw") { Description = "PCA-whitening learned on the catalog, to this many dimensions (0: off)." };
        var pca = new Option<int>("--pca") { Description = "PCA without whitening, to this many dimensions (0: off)." };
        var dba = new Option<int>("--dba") { Description = "Database-side augmentation: average every vector with this many neighbours (0: off)." };
        var aqe = new Option<int>("--aqe") { Description = "α-query expansion: average the query with its top this-many results and search again (0: off)." };
        var alpha = new Option<float>("--alpha") { Description = "Exponent α of the neighbour weights score^α in --dba and --aqe (default 3).", DefaultValueFactory = _ => 3f };
        var rerank = CommonOptions.Rerank();
        var rocchio = new Option<bool>("--rocchio") { Description = "Simulated relevance feedback: mark the first page by label, move the query (Rocchio), score the second page." };
        var holdout = new Option<double?>("--holdout") { Description = "Learn a projection from the labels of part of the items and evaluate, raw and learned, on this held-out share (e.g. 0.5); --seed picks the split." };
        var holdoutBy = new Option<HoldoutSplit>("--holdout-by") { Description = "item (default): held-out items of known classes; class: held-out classes the learning never saw.", DefaultValueFactory = _ => HoldoutSplit.Item };
        var learn = LearnCommand.MethodOption();
        var head = new LearnCommand.HeadOptions();
        var command = new Command("eval", "Leave-one-out retrieval quality: each labelled item queries the rest; P, R, mAP, nDCG @k overall and per class.")
        {
            store, label, k, queries, seed, json, html, pcaw, pca, dba, aqe, alpha, rerank, rocchio, holdout, holdoutBy, learn,
        };
        head.AddTo(command);
        command.SetAction((parse, _) => CommandRunner.RunAsync(() =>
        {
            int whitened = parse.GetValue(pcaw), plainPca = parse.GetValue(pca);
            if (whitened > 0 && plainPca > 0) throw LookalikeException.InvalidArgument("pca", "Give --pca or --pcaw, not both.");
            var options = new RetrievalOptions
            {
                K = parse.GetValue(k),
                Queries = parse.GetValue(queries),
                Seed = parse.GetValue(seed),
                PcaDimension = Math.Max(whitened, plainPca),
                Whiten = whitened > 0,
                DbaNeighbours = parse.GetValue(dba),
                QeNeighbours = parse.GetValue(aqe),
                Alpha = parse.GetValue(alpha),
                Rerank = parse.GetValue(rerank) is { } spec ? KReciprocalSpec.Parse(spec) : null,
                Rocchio = parse.GetValue(rocchio),
            };
            using var catalog = LookalikeComponents.OpenStore(StoreLocation.Resolve(parse.GetValue(store)), create: false);
            Console.Error.WriteLine($"reading {catalog.Location}");
            var items = catalog.ReadAll(withVectors: true).ToList();
            if (items.Count == 0) throw LookalikeException.NotFound(catalog.Location, $"Store {catalog.Location} holds no items.");
            if (parse.GetValue(holdout) is { } fraction)
            {
                var held = HoldoutEvaluator.Run(items, parse.GetValue(label)!, options,
                    new HoldoutOptions(fraction, options.Seed, parse.GetValue(holdoutBy), parse.GetValue(learn), head.Read(parse)),
                    new Progress(m => Console.Error.WriteLine(m)));
                if (parse.GetValue(json)) JsonOutput.WriteLine(Json(held));
                else Write(held);
                return Task.FromResult(CommandRunner.Ok);
            }
            var report = RetrievalEvaluator.Run(items, parse.GetValue(label)!, options, new Progress(m => Console.Error.WriteLine(m)));
            if (parse.GetValue(html) is { } htmlPath)
            {
                var byId = items.ToDictionary(i => i.Id);
                File.WriteAllText(htmlPath, RetrievalHtmlReport.Render(report, byId, LookalikeComponents.CreateDecoder()));
                Console.Error.WriteLine($"wrote {htmlPath}");
            }
            if (parse.GetValue(json)) JsonOutput.WriteLine(Json(report));
            else Write(report);
            return Task.FromResult(CommandRunner.Ok);
        }));
        return command;
    }

    private static Dictionary<string, object?> Json(RetrievalReport report)
    {
        string at = "_at_" + report.K.ToString(CultureInfo.InvariantCulture);
        Dictionary<string, object?> Scores(RetrievalScore s) => new()
        {
            ["label"] = s.Label,
            ["queries"] = s.Queries,
            ["precision" + at] = Round(s.Precision),
            ["recall" + at] = Round(s.Recall),
            ["map" + at] = Round(s.Map),
            ["ndcg" + at] = Round(s.Ndcg),
            ["mrr" + at] = Round(s.Mrr),
        };
        return new Dictionary<string, object?>
        {
            ["pipeline"] = report.Pipeline,
            ["label_column"] = report.LabelColumn,
            ["k"] = report.K,
            ["items"] = report.Items,
            ["dimension"] = report.Dimension,
            ["overall"] = Scores(report.Overall),
            ["classes"] = report.Classes.Select(Scores).ToList(),
            ["latency_ms"] = Math.Round(report.LatencyMs, 3),
            ["bytes_per_item"] = Math.Round(report.BytesPerItem, 1),
            ["prepare_seconds"] = Math.Round(report.PrepareSeconds, 2),
            ["seconds"] = Math.Round(report.Seconds, 2),
            ["worst"] = report.Worst.Select(w => new Dictionary<string, object?>
            {
                ["id"] = w.Query.Value,
                ["label"] = w.Label,
                ["ap" + at] = Round(w.AveragePrecision),
                ["results"] = w.Results.Select(h => h.Id.Value).ToList(),
            }).ToList(),
        };
    }

    private static Dictionary<string, object?> Json(HoldoutReport held)
    {
        var raw = Json(held.Raw);
        var learned = Json(held.Learned);
        raw.Remove("worst");
        learned.Remove("worst");
        return new Dictionary<string, object?>
        {
            ["holdout"] = new Dictionary<string, object?>
            {
                ["by"] = held.Options.By.ToString().ToLowerInvariant(),
                ["fraction"] = held.Options.Fraction,
                ["seed"] = held.Options.Seed,
                ["method"] = held.Options.Method.ToString().ToLowerInvariant(),
                ["learn_items"] = held.LearnItems,
                ["learn_classes"] = held.LearnClasses,
                ["held_out_items"] = held.HeldOutItems,
                ["learn_seconds"] = Math.Round(held.LearnSeconds, 2),
                ["notes"] = held.Notes,
            },
            ["raw"] = raw,
            ["learned"] = learned,
            ["map_gain"] = Round(held.Learned.Overall.Map / Math.Max(held.Raw.Overall.Map, 1e-12) - 1),
        };
    }

    private static void Write(HoldoutReport held)
    {
        var console = Terminal.Out;
        string at = "@" + held.Raw.K.ToString(CultureInfo.InvariantCulture);
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]holdout by {held.Options.By.ToString().ToLowerInvariant()}[/] ({held.Options.Fraction:0.##} held out, seed {held.Options.Seed}) · learned {held.Options.Method.ToString().ToLowerInvariant()} on {held.LearnItems:N0} items of {held.LearnClasses} classes in {held.LearnSeconds:0.0} s · {held.HeldOutItems:N0} held-out items are queries and gallery");
        var table = new Table().Border(TableBorder.Simple).AddColumn("space").AddColumn(new TableColumn("queries").RightAligned());
        foreach (string column in (string[])["P" + at, "mAP" + at, "Δ mAP", "nDCG" + at, "dim", "ms/query"])
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var report in (RetrievalReport[])[held.Raw, held.Learned])
        {
            var o = report.Overall;
            string gain = ReferenceEquals(report, held.Raw) ? "—" : (o.Map / Math.Max(held.Raw.Overall.Map, 1e-12) - 1).ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture);
            table.AddRow(Markup.Escape(report.Pipeline), o.Queries.ToString("N0", CultureInfo.InvariantCulture), F(o.Precision), F(o.Map), gain, F(o.Ndcg),
                report.Dimension.ToString(CultureInfo.InvariantCulture), report.LatencyMs.ToString("0.000", CultureInfo.InvariantCulture));
        }
        console.Write(table);
    }

    private static double Round(double value) => Math.Round(value, 5);

    private static void Write(RetrievalReport report)
    {
        var console = Terminal.Out;
        var o = report.Overall;
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]{report.Pipeline}[/] · label {report.LabelColumn} · {o.Queries:N0} queries over {report.Items:N0} items · {report.Dimension}-d · {report.LatencyMs:0.000} ms/query · {report.BytesPerItem:N0} B/item · prepare {report.PrepareSeconds:0.0} s · {report.Seconds:0.0} s");
        string at = "@" + report.K.ToString(CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Simple).AddColumn("class").AddColumn(new TableColumn("queries").RightAligned());
        foreach (string column in (string[])["P" + at, "R" + at, "mAP" + at, "nDCG" + at, "MRR" + at])
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var s in report.Classes.Prepend(o))
            table.AddRow(Markup.Escape(s.Label), s.Queries.ToString("N0", CultureInfo.InvariantCulture), F(s.Precision), F(s.Recall), F(s.Map), F(s.Ndcg), F(s.Mrr));
        console.Write(table);
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>Reports on the calling thread, in order.</summary>
    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}

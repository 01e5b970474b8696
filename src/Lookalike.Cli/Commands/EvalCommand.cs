using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Learning;
using Lookalike.Core.Retrieval;
using Lookalike.Hosting;
using Lookalike.Hosting.Evaluation;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary>
/// <c>lookalike eval</c>: retrieval quality of the store against a label column, leave-one-out (<c>--protocol in-domain</c>)
/// or with synthetic shopper photos of catalog items as queries (<c>--protocol shopper</c>, cross-domain).
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var label = new Option<string>("--label-column") { Description = "Metadata column whose value defines relevance (a result is relevant when it shares the query's value).", Required = true };
        var k = new Option<int>("-k", "--k") { Description = "Cut-off of every metric, 1–1000 (default 10).", DefaultValueFactory = _ => 10 };
        var queries = new Option<int?>("--queries") { Description = "Evaluate a seeded random sample of this many labelled items (default: all)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the --queries sample and, with --protocol shopper, of every synthetic photo (default 42).", DefaultValueFactory = _ => 42 };
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
        var readout = new Option<HeadReadout>("--readout")
        {
            Description = "With --holdout: what the head reads of each photo beside its vector. none (default); regions: also the feature map's 3×3 regions, read from the learning and held-out photos (not yet storable by 'lookalike learn').",
            DefaultValueFactory = _ => HeadReadout.None,
        };
        var head = new LearnCommand.HeadOptions();
        var protocol = new Option<string>("--protocol")
        {
            Description = "in-domain (default): leave-one-out, each labelled item queries the rest. shopper: each sampled item is re-shot as a synthetic shopper photo (cut out, zoomed, off centre, rotated, perspective, colour cast, exposure, blur, noise, JPEG 30, over a --backgrounds photo) and searched against the clean catalog; instance R@1, R@k and class mAP@k.",
            DefaultValueFactory = _ => InDomain,
        };
        protocol.AcceptOnlyFromAmong(InDomain, Shopper);
        var backgrounds = new Option<string?>("--backgrounds") { Description = "With --protocol shopper: folder of photos from another dataset pasted behind the products (required)." };
        var saveQueries = new Option<string?>("--save-queries") { Description = "With --protocol shopper: also write every synthetic query photo to this folder." };
        var model = new Option<string?>("--model") { Description = "With --protocol shopper: the model that embeds the query photos (default: the store's own, from its recorded id; needed only for manifest models)." };
        var pipelines = new Option<string[]>("--pipeline")
        {
            Description = "A search pipeline to evaluate, as printed in reports: plain, kr, pca(256)+dba(3)+aqe(3), pcaw(128)+kr(shortlist=50), … Repeat to compare several in one run (shopper photos are embedded once); instead of --pca/--pcaw/--dba/--aqe/--rerank/--rocchio.",
        };
        var queryViews = new Option<string[]>("--query-views")
        {
            Description = "Embed photo queries through these views (query side only; the catalog is unchanged): views joined by + among full, mask (the whole photo's feature map pooled over the object located from its energy), loc (the located object cut out and embedded again), zoom (centre 70% square), corners (four 70% corner squares), then :mean (default) or :max (best score over the views), e.g. full+loc or full+corners:max. Repeat to compare several over the same photos. With --protocol in-domain the queries become each item's own catalog photo, embedded through the views, leave-one-out.",
        };
        var command = new Command("eval", "Retrieval quality against a label column: leave-one-out (in-domain) or synthetic shopper photos (--protocol shopper); P, R, mAP, nDCG @k.")
        {
            store, label, k, queries, seed, json, html, pcaw, pca, dba, aqe, alpha, rerank, rocchio, protocol, backgrounds, saveQueries, model, holdout, holdoutBy, learn, readout, pipelines, queryViews,
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
            var specs = parse.GetValue(pipelines) ?? [];
            if (specs.Length > 0 && (options.Pipeline != "plain" || parse.GetValue(alpha) != 3f))
                throw LookalikeException.InvalidArgument("pipeline", "Give --pipeline, or --pca/--pcaw/--dba/--aqe/--alpha/--rerank/--rocchio, not both.");
            var all = specs.Length == 0 ? [options] : specs.Select(options.WithPipeline).ToList();
            if (all.Count > 1 && parse.GetValue(html) is not null)
                throw LookalikeException.InvalidArgument("html", "--html draws one pipeline's worst queries; give one --pipeline.");
            if (all.Count > 1 && parse.GetValue(holdout) is not null)
                throw LookalikeException.InvalidArgument("pipeline", "--holdout evaluates one pipeline (raw and learned); give one --pipeline.");
            options = all[0];
            bool shopper = parse.GetValue(protocol) == Shopper;
            if (!shopper && (parse.GetValue(backgrounds) ?? parse.GetValue(saveQueries) ?? parse.GetValue(model)) is not null)
                throw LookalikeException.InvalidArgument("protocol", "--backgrounds, --save-queries and --model belong to --protocol shopper.");
            if (shopper && parse.GetValue(html) is not null)
                throw LookalikeException.InvalidArgument("html", "--html draws the worst leave-one-out queries; it works with --protocol in-domain only.");
            var views = (parse.GetValue(queryViews) ?? []).Select(v => QueryViews.Parse(v)).ToList();
            if (views.Count > 0 && (parse.GetValue(holdout) is not null || parse.GetValue(html) is not null))
                throw LookalikeException.InvalidArgument("query-views", "--query-views cannot be combined with --holdout or --html.");
            if (shopper && parse.GetValue(backgrounds) is null)
                throw LookalikeException.InvalidArgument("backgrounds", "--protocol shopper needs --backgrounds DIR: photos from another dataset to paste behind the products.");
            using var opened = CliStore.Open(parse.GetValue(store));
            var catalog = opened.Catalog;
            Console.Error.WriteLine($"reading {catalog.Location}");
            var items = catalog.ReadAll(withVectors: true).ToList();
            if (items.Count == 0) throw LookalikeException.NotFound(catalog.Location, $"Store {catalog.Location} holds no items.");
            if (parse.GetValue(holdout) is null && parse.GetValue(readout) != HeadReadout.None)
                throw LookalikeException.InvalidArgument("readout", "--readout belongs to --holdout: it says what the learned head reads.");
            if (parse.GetValue(holdout) is { } fraction)
            {
                var holdoutOptions = new HoldoutOptions(fraction, options.Seed, parse.GetValue(holdoutBy), parse.GetValue(learn), head.Read(parse), head.ReadAugment(parse), parse.GetValue(readout));
                if (shopper)
                {
                    // Learn on one part, then shopper photos of the held-out part searched raw and through the projection.
                    var learned = HoldoutEvaluator.Learn(items, parse.GetValue(label)!, holdoutOptions, new Progress(m => Console.Error.WriteLine(m)));
                    var shopperOptions = new ShopperPhotoOptions { BackgroundsFolder = parse.GetValue(backgrounds)!, SaveQueriesFolder = parse.GetValue(saveQueries) };
                    using var embedder = LookalikeComponents.CreateEmbedderFor(catalog.GetInfo().Model, parse.GetValue(model));
                    var shopperProgress = new Progress(m => Console.Error.WriteLine(m));
                    var shopperReports = new List<ShopperPhotoReport>
                    {
                        ShopperPhotoEvaluator.Run(learned.HeldOut, parse.GetValue(label)!, options, shopperOptions,
                            LookalikeComponents.CreateDecoder(), embedder, LookalikeComponents.CreateShopperPhotoSynthesizer(), shopperProgress),
                    };
                    if (learned.Readouts is { } readouts)
                    {
                        // The head reads [vector, regions]: the gallery goes in mapped, each query photo's map is read too.
                        using var reader = LookalikeComponents.CreateFeatureMapReader(embedder.Model);
                        var mapped = HoldoutEvaluator.MapWithReadout(learned.HeldOut, readouts, learned.Projection);
                        shopperReports.Add(ShopperPhotoEvaluator.RunMany(mapped, parse.GetValue(label)!, [options], shopperOptions, LookalikeComponents.CreateDecoder(), embedder,
                            LookalikeComponents.CreateShopperPhotoSynthesizer(), shopperProgress, reader, learned.Projection)[0] with { Pipeline = learned.Name });
                    }
                    else
                    {
                        shopperReports.Add(ShopperPhotoEvaluator.Run(learned.HeldOut, parse.GetValue(label)!, options with { Projection = learned.Projection, ProjectionName = learned.Name },
                            shopperOptions, LookalikeComponents.CreateDecoder(), embedder, LookalikeComponents.CreateShopperPhotoSynthesizer(), shopperProgress));
                    }
                    foreach (var shopperReport in shopperReports)
                    {
                        if (parse.GetValue(json)) JsonOutput.WriteLine(Json(shopperReport));
                        else Write(shopperReport);
                    }
                    return Task.FromResult(CommandRunner.Ok);
                }
                var held = HoldoutEvaluator.Run(items, parse.GetValue(label)!, options, holdoutOptions, new Progress(m => Console.Error.WriteLine(m)));
                if (parse.GetValue(json)) JsonOutput.WriteLine(Json(held));
                else Write(held);
                return Task.FromResult(CommandRunner.Ok);
            }
            if (shopper || views.Count > 0)
            {
                var shopperOptions = new ShopperPhotoOptions
                {
                    BackgroundsFolder = parse.GetValue(backgrounds) ?? "",
                    SaveQueriesFolder = parse.GetValue(saveQueries),
                    Views = views,
                    CatalogPhotos = !shopper,
                };
                var storeModel = catalog.GetInfo().Model;
                using var embedder = LookalikeComponents.CreateEmbedderFor(storeModel, parse.GetValue(model));
                using var reader = views.Any(v => !v.IsFull) ? LookalikeComponents.CreateFeatureMapReader(embedder.Model) : null;
                var shopperReports = ShopperPhotoEvaluator.RunMany(items, parse.GetValue(label)!, all, shopperOptions,
                    LookalikeComponents.CreateDecoder(), embedder, LookalikeComponents.CreateShopperPhotoSynthesizer(), new Progress(m => Console.Error.WriteLine(m)), reader);
                foreach (var shopperReport in shopperReports)
                {
                    if (parse.GetValue(json)) JsonOutput.WriteLine(Json(shopperReport));
                    else Write(shopperReport);
                }
                return Task.FromResult(CommandRunner.Ok);
            }
            foreach (var pipelineOptions in all)
            {
                var report = RetrievalEvaluator.Run(items, parse.GetValue(label)!, pipelineOptions, new Progress(m => Console.Error.WriteLine(m)));
                if (parse.GetValue(html) is { } htmlPath)
                {
                    var byId = items.ToDictionary(i => i.Id);
                    File.WriteAllText(htmlPath, RetrievalHtmlReport.Render(report, byId, LookalikeComponents.CreateDecoder()));
                    Console.Error.WriteLine($"wrote {htmlPath}");
                }
                if (parse.GetValue(json)) JsonOutput.WriteLine(Json(report));
                else Write(report);
            }
            return Task.FromResult(CommandRunner.Ok);
        }));
        return command;
    }

    private const string InDomain = "in-domain";
    private const string Shopper = "shopper";

    private static Dictionary<string, object?> Json(ShopperPhotoReport report)
    {
        string at = "_at_" + report.K.ToString(CultureInfo.InvariantCulture);
        var c = report.Class;
        return new Dictionary<string, object?>
        {
            ["protocol"] = report.CatalogPhotos ? InDomain : Shopper,
            ["pipeline"] = report.Pipeline,
            ["query_views"] = report.Views,
            ["network_runs"] = report.NetworkRuns,
            ["busy_border_share"] = report.BusyBorderShare,
            ["model"] = report.Model,
            ["label_column"] = report.LabelColumn,
            ["k"] = report.K,
            ["seed"] = report.Seed,
            ["queries"] = report.Queries,
            ["items"] = report.Items,
            ["dimension"] = report.Dimension,
            ["backgrounds"] = report.Backgrounds,
            ["instance"] = report.CatalogPhotos ? null : new Dictionary<string, object?>
            {
                ["recall_at_1"] = Round(report.InstanceRecallAt1),
                ["recall" + at] = Round(report.InstanceRecallAtK),
                ["mrr" + at] = Round(report.InstanceMrr),
            },
            ["class"] = new Dictionary<string, object?>
            {
                ["precision" + at] = Round(c.Precision),
                ["map" + at] = Round(c.Map),
                ["ndcg" + at] = Round(c.Ndcg),
            },
            ["embed_ms"] = Math.Round(report.EmbedMs, 1),
            ["prepare_seconds"] = Math.Round(report.PrepareSeconds, 2),
            ["seconds"] = Math.Round(report.Seconds, 2),
        };
    }

    private static void Write(ShopperPhotoReport report)
    {
        var console = Terminal.Out;
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]{(report.CatalogPhotos ? "catalog photos (leave-one-out)" : "shopper photos")} · {report.Pipeline} · views {report.Views}[/] ({report.NetworkRuns} network runs/photo{(report.BusyBorderShare is { } busy ? $", all views for the {busy:P1} of photos with a busy border" : "")}) · model {report.Model} · label {report.LabelColumn} · {report.Queries:N0} queries (seed {report.Seed}, {report.Backgrounds:N0} backgrounds) over {report.Items:N0} items · {report.Dimension}-d · {report.EmbedMs:0.0} ms/photo · {report.Seconds:0.0} s");
        string at = "@" + report.K.ToString(CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Simple);
        foreach (string column in (string[])["instance R@1", "instance R" + at, "instance MRR" + at, "class P" + at, "class mAP" + at, "class nDCG" + at])
            table.AddColumn(new TableColumn(column).RightAligned());
        var c = report.Class;
        string Instance(double value) => report.CatalogPhotos ? "—" : F(value);
        table.AddRow(Instance(report.InstanceRecallAt1), Instance(report.InstanceRecallAtK), Instance(report.InstanceMrr), F(c.Precision), F(c.Map), F(c.Ndcg));
        console.Write(table);
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
            ["protocol"] = InDomain,
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
        var raw = WithoutWorst(Json(held.Raw));
        var learned = WithoutWorst(Json(held.Learned));
        var json = new Dictionary<string, object?>
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
        if (held.RawPooled is { } pooled)
        {
            // Vectors that carry their regions: the learned head against the plain recipe's vector of the same photos too.
            json["raw_pooled"] = WithoutWorst(Json(pooled));
            json["map_gain_over_pooled"] = Round(held.Learned.Overall.Map / Math.Max(pooled.Overall.Map, 1e-12) - 1);
        }
        return json;
    }

    private static Dictionary<string, object?> WithoutWorst(Dictionary<string, object?> report)
    {
        report.Remove("worst");
        return report;
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
        foreach (var report in held.RawPooled is { } pooled ? [pooled, held.Raw, held.Learned] : (RetrievalReport[])[held.Raw, held.Learned])
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

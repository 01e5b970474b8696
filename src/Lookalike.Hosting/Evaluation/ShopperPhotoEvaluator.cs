using System.Diagnostics;
using System.Text;
using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Evaluation;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Evaluation;

/// <summary>
/// The cross-domain ("shopper photo") protocol: a seeded sample of labelled catalog items is re-shot synthetically
/// (<see cref="IShopperPhotoSynthesizer"/>: cut out, zoomed, off centre, rotated, in perspective, colour cast,
/// exposure, blur, noise, JPEG 30, over a photo from another dataset), each shopper photo is embedded with the store's
/// model and searched against the clean catalog (nothing excluded). Relevant: the same item (instance R@1, R@k, MRR)
/// and the same label (class P, R, mAP, nDCG @k). The search-time improvements of <see cref="RetrievalOptions"/> apply
/// as in the leave-one-out protocol (<see cref="RetrievalEvaluator"/>), learned on the catalog only.
/// </summary>
/// <remarks>
/// Deterministic: each query's photo depends only on the seed and its item id (not on the sample size or thread
/// timing), so <c>--queries 600 --seed 1</c> gives the same photos, vectors and figures on every run of one build.
/// </remarks>
public static class ShopperPhotoEvaluator
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif" };

    /// <summary>Evaluates <paramref name="items"/> (read with their vectors, all made by <paramref name="embedder"/>'s model).</summary>
    /// <exception cref="LookalikeException">
    /// InvalidArgument: no label in <paramref name="labelColumn"/>, an option out of range, a backgrounds folder without
    /// photos; NotFound: the backgrounds folder is missing; ModelMismatch: the items were not made by the embedder's model;
    /// IoFailure or an image error naming the file: a catalog photo or background cannot be read.
    /// </exception>
    public static ShopperPhotoReport Run(
        IReadOnlyList<CatalogItem> items, string labelColumn, RetrievalOptions options, ShopperPhotoOptions shopper,
        IImageDecoder decoder, IImageEmbedder embedder, IShopperPhotoSynthesizer synthesizer, IProgress<string>? progress = null) =>
        RunMany(items, labelColumn, [options], shopper, decoder, embedder, synthesizer, progress)[0];

    /// <summary>
    /// As <see cref="Run"/> for several search pipelines over the same shopper photos, embedded once: the sample, seed
    /// and k are the first pipeline's. With <see cref="ShopperPhotoOptions.Views"/> other than the whole photo, each
    /// photo is embedded through every view list by <paramref name="viewReader"/> (the store's model run up to its
    /// feature map), and one report is made per view list and pipeline.
    /// </summary>
    /// <param name="readoutHead">
    /// A learned head that reads <c>[vector, region readout]</c> (<c>--readout regions</c>): each query photo's vector and
    /// the <see cref="RegionReadout"/> of its feature map (by <paramref name="viewReader"/>) go through it. The items must
    /// then hold vectors already mapped by the same head (<see cref="HoldoutEvaluator.MapWithReadout"/>); whole-photo views only.
    /// </param>
    /// <exception cref="ArgumentException">Views other than the whole photo without a <paramref name="viewReader"/>, or a readout head without one or with views.</exception>
    public static IReadOnlyList<ShopperPhotoReport> RunMany(
        IReadOnlyList<CatalogItem> items, string labelColumn, IReadOnlyList<RetrievalOptions> pipelines, ShopperPhotoOptions shopper,
        IImageDecoder decoder, IImageEmbedder embedder, IShopperPhotoSynthesizer synthesizer, IProgress<string>? progress = null,
        IFeatureMapReader? viewReader = null, Projection? readoutHead = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentException.ThrowIfNullOrEmpty(labelColumn);
        ArgumentNullException.ThrowIfNull(pipelines);
        ArgumentNullException.ThrowIfNull(shopper);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(synthesizer);
        if (pipelines.Count == 0) throw new ArgumentException("At least one pipeline is needed.", nameof(pipelines));
        var first = pipelines[0];
        foreach (var options in pipelines) RetrievalEvaluator.Validate(options);
        if (shopper.Threads < 1) throw LookalikeException.InvalidArgument("threads", $"threads must be 1 or more; got {shopper.Threads}.");
        var labels = RetrievalEvaluator.Labels(items, labelColumn);
        int rawDimension = items[0].Vector.Length;
        if (rawDimension == 0) throw new ArgumentException("Items must be read with their vectors.", nameof(items));
        if (items.FirstOrDefault(i => i.Model != embedder.Model) is { } other)
            throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                $"Item '{other.Id}' holds a vector of model '{other.Model}', but the query photos would be embedded with '{embedder.Model}'.", other.Id.Value);
        if (pipelines.FirstOrDefault(o => o.PcaDimension > rawDimension) is { } tooWide)
            throw LookalikeException.InvalidArgument("pca", $"PCA dimension must be at most the vectors' {rawDimension}; got {tooWide.PcaDimension}.");
        var views = shopper.Views.Count == 0 ? [QueryViews.Full] : shopper.Views;
        bool viewed = views.Any(v => !v.IsFull);
        if (viewed && viewReader is null) throw new ArgumentException("Query views other than the whole photo need a feature-map reader.", nameof(viewReader));
        if (readoutHead is not null && (viewReader is null || viewed))
            throw new ArgumentException("A head that reads the regions needs a feature-map reader, and whole-photo queries.", nameof(readoutHead));
        if (viewed && viewReader!.Model != embedder.Model)
            throw new LookalikeException(LookalikeErrorKind.ModelMismatch, $"The query views would be embedded with '{viewReader.Model}', but the items hold vectors of '{embedder.Model}'.", viewReader.Model.Value);
        IReadOnlyList<string> backgrounds = shopper.CatalogPhotos ? [] : BackgroundFiles(shopper.BackgroundsFolder);

        var byId = items.ToDictionary(i => i.Id);
        var queries = labels.Keys.Order(ItemId.Ordinal).ToList();
        if (first.Queries is { } sample && sample < queries.Count)
        {
            var random = new Random(first.Seed);
            queries = queries.OrderBy(_ => random.Next()).Take(sample).Order(ItemId.Ordinal).ToList();
        }
        progress?.Report(shopper.CatalogPhotos
            ? $"embedding the catalog photos of {queries.Count:N0} items as photo queries (views {string.Join(", ", views)}, model {embedder.Model})"
            : $"synthesising and embedding {queries.Count:N0} shopper photos (seed {first.Seed}, {backgrounds.Count:N0} backgrounds, views {string.Join(", ", views)}, model {embedder.Model})");
        if (shopper.SaveQueriesFolder is { } saveTo) Directory.CreateDirectory(saveTo);

        var embed = Stopwatch.StartNew();
        var queryRows = new float[queries.Count][][][]; // [query][view list][row] → unit vector
        var viewEmbedder = viewed ? new QueryViewEmbedder(viewReader!, decoder) : null;
        int done = 0, busy = 0;
        Parallel.For(0, queries.Count, new ParallelOptions { MaxDegreeOfParallelism = shopper.Threads }, q =>
        {
            var item = byId[queries[q]];
            byte[] photo = shopper.CatalogPhotos ? ReadFile(item.Path) : Synthesize(item, backgrounds, first.Seed, decoder, synthesizer);
            if (shopper.SaveQueriesFolder is { } folder)
                File.WriteAllBytes(Path.Combine(folder, $"{q:D4}-{SafeFileName(item.Id.Value)}.jpg"), photo);
            string name = shopper.CatalogPhotos ? item.Path : $"shopper photo of {item.Id}";
            if (viewEmbedder is not null)
            {
                queryRows[q] = viewEmbedder.Embed(photo, name, views, out bool? busyBorder);
                if (busyBorder == true) Interlocked.Increment(ref busy);
            }
            else
            {
                var decoded = decoder.Decode(photo, name, embedder.Target);
                var vector = new float[embedder.Dimension];
                embedder.Embed(decoded, vector);
                if (readoutHead is not null) vector = readoutHead.ApplyWithReadout(vector, RegionReadout.Compute(viewReader!.Read(decoded, mirror: false)));
                queryRows[q] = views.Select(_ => new[] { vector }).ToArray();
            }
            int count = Interlocked.Increment(ref done);
            if (count % 100 == 0) progress?.Report($"  {count:N0}/{queries.Count:N0} query photos");
        });
        embed.Stop();
        double embedMs = queries.Count == 0 ? 0 : embed.Elapsed.TotalMilliseconds / queries.Count;

        var ids = items.Select(i => i.Id).ToList();
        var raw = new float[ids.Count * rawDimension];
        for (int i = 0; i < items.Count; i++) items[i].Vector.Span.CopyTo(raw.AsSpan(i * rawDimension, rawDimension));
        var classMembers = labels.GroupBy(kv => kv.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(kv => kv.Key).ToHashSet(), StringComparer.Ordinal);
        var reports = new List<ShopperPhotoReport>(pipelines.Count * views.Count);
        var exclude = queries.Select(id => shopper.CatalogPhotos ? id : (ItemId?)null).ToList();
        for (int v = 0; v < views.Count; v++)
        foreach (var options in pipelines)
        {
            var watch = Stopwatch.StartNew();
            using var pipeline = RetrievalPipeline.Prepare(ids, raw, rawDimension, options, id => labels.GetValueOrDefault(id), progress);
            var rankings = Search(pipeline, queries, queryRows.Select(rows => rows[v]).ToList(), rawDimension, exclude, labels, options.K);

            var byClass = new RankingMetricsAccumulator(options.K);
            var byInstance = new RankingMetricsAccumulator(options.K);
            var outcomes = new List<ShopperQueryOutcome>(queries.Count);
            for (int q = 0; q < queries.Count; q++)
            {
                var ranked = rankings[q].Select(h => h.Id).ToList();
                var sameClass = classMembers[labels[queries[q]]];
                if (shopper.CatalogPhotos)
                {
                    // Leave-one-out, as the in-domain protocol: the query's own item is excluded and not relevant.
                    var others = new HashSet<ItemId>(sameClass);
                    others.Remove(queries[q]);
                    if (others.Count == 0) continue;
                    sameClass = others;
                }
                byClass.Add(ranked, sameClass);
                byInstance.Add(ranked, new HashSet<ItemId> { queries[q] });
                outcomes.Add(new ShopperQueryOutcome(queries[q], labels[queries[q]], ranked.IndexOf(queries[q]) + 1, RankingMetrics.AveragePrecision(ranked, sameClass, options.K)));
            }
            int top1 = outcomes.Count(o => o.Rank == 1);
            reports.Add(new ShopperPhotoReport(
                options.Pipeline, embedder.Model.Value, labelColumn, options.K, first.Seed, outcomes.Count, ids.Count, pipeline.Dimension, backgrounds.Count,
                outcomes.Count == 0 ? 0 : top1 / (double)outcomes.Count,
                byInstance.HitRate,
                byInstance.MeanReciprocalRank,
                RetrievalEvaluator.Score("(all)", byClass),
                outcomes,
                embedMs,
                pipeline.PrepareSeconds,
                embed.Elapsed.TotalSeconds + watch.Elapsed.TotalSeconds)
            {
                Views = views[v].ToString(),
                NetworkRuns = views[v].NetworkRuns,
                BusyBorderShare = views[v].OnlyWhenBusy && queries.Count > 0 ? busy / (double)queries.Count : null,
                CatalogPhotos = shopper.CatalogPhotos,
            });
        }
        return reports;
    }

    /// <summary>
    /// Each query's top k: one search of its single row, or, with several rows (views combined by max), a search of
    /// every row and each item scored by its best row (exact: an item in the top k by best score is in the top k of
    /// the row that gives it).
    /// </summary>
    private static IReadOnlyList<SearchHit>[] Search(
        RetrievalPipeline pipeline, List<ItemId> queries, List<float[][]> rows, int rawDimension,
        List<ItemId?> exclude, Dictionary<ItemId, string> labels, int k)
    {
        var owner = new List<int>();
        for (int q = 0; q < rows.Count; q++) owner.AddRange(Enumerable.Repeat(q, rows[q].Length));
        var raw = new float[owner.Count * rawDimension];
        int r = 0;
        foreach (var row in rows.SelectMany(x => x)) row.CopyTo(raw.AsSpan(r++ * rawDimension, rawDimension));
        var matrix = pipeline.TransformQueries(raw, owner.Count);
        var hits = pipeline.SearchBatch(matrix, owner.Count, owner.Select(q => exclude[q]).ToList(), owner.Select(q => (string?)labels[queries[q]]).ToList());
        if (owner.Count == queries.Count) return hits;
        var merged = new IReadOnlyList<SearchHit>[queries.Count];
        for (int q = 0, start = 0; q < queries.Count; start += rows[q].Length, q++)
        {
            var best = new Dictionary<ItemId, float>();
            for (int i = start; i < start + rows[q].Length; i++)
                foreach (var hit in hits[i])
                    if (!best.TryGetValue(hit.Id, out float score) || hit.Score > score) best[hit.Id] = hit.Score;
            merged[q] = best.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Value, StringComparer.Ordinal)
                .Take(k).Select(kv => new SearchHit(kv.Key, kv.Value)).ToList();
        }
        return merged;
    }

    /// <summary>
    /// The shopper photo of <paramref name="item"/> for <paramref name="seed"/>: its background and every random choice
    /// come from a seed mixed from <paramref name="seed"/> and the item id (FNV-1a, stable across processes).
    /// </summary>
    public static byte[] Synthesize(CatalogItem item, IReadOnlyList<string> backgrounds, int seed, IImageDecoder decoder, IShopperPhotoSynthesizer synthesizer)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(backgrounds);
        if (backgrounds.Count == 0) throw new ArgumentException("At least one background is needed.", nameof(backgrounds));
        var random = new Random(PhotoSeed(seed, item.Id));
        string backgroundPath = backgrounds[random.Next(backgrounds.Count)];
        var product = decoder.Decode(ReadFile(item.Path), item.Path);
        var background = decoder.Decode(ReadFile(backgroundPath), backgroundPath);
        return synthesizer.Synthesize(product, background, random.Next());
    }

    /// <summary>Image files under <paramref name="folder"/>, recursively, in ordinal order (so a seed picks the same one everywhere).</summary>
    /// <exception cref="LookalikeException">NotFound: no such folder; InvalidArgument: it holds no images.</exception>
    public static IReadOnlyList<string> BackgroundFiles(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder)) throw LookalikeException.NotFound(folder, $"Backgrounds folder {folder} does not exist.");
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f)))
            .Select(Path.GetFullPath)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
            throw LookalikeException.InvalidArgument("backgrounds", $"Backgrounds folder {folder} holds no photos ({string.Join(", ", ImageExtensions.Order(StringComparer.Ordinal))}).");
        return files;
    }

    private static int PhotoSeed(int seed, ItemId id)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(id.Value))
        {
            hash ^= b;
            hash *= 16777619;
        }
        return (int)(hash ^ (uint)seed * 2654435761u);
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LookalikeException(LookalikeErrorKind.IoFailure, $"Cannot read {path}: {e.Message}", path, e);
        }
    }

    private static string SafeFileName(string id)
    {
        var chars = id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var name = new string(chars);
        return name.Length <= 80 ? name : name[^80..];
    }
}

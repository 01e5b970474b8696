using System.Diagnostics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;
using Lookalike.Hosting.Learning;

namespace Lookalike.Hosting.Evaluation;

/// <summary>How <see cref="HoldoutEvaluator"/> splits the labelled items.</summary>
public enum HoldoutSplit
{
    /// <summary>Items at random: the held-out part has the same categories, never the same items.</summary>
    Item,
    /// <summary>Whole classes at random: the held-out part holds only categories the learning never saw.</summary>
    Class,
}

/// <summary>What <see cref="HoldoutEvaluator"/> splits off and learns.</summary>
/// <param name="Fraction">Share of the labelled items held out for evaluation, strictly between 0 and 1.</param>
/// <param name="Augment">Extra views of the learning items' photos learned as more rows of their class (<c>--augment</c>).</param>
/// <param name="Readout">What the head reads of each photo beside its vector (<c>--readout</c>); the photos of the learning and the held-out items are read.</param>
public sealed record HoldoutOptions(double Fraction, int Seed, HoldoutSplit By, ProjectionMethod Method, MetricHeadOptions? Head = null,
    TrainingViews Augment = TrainingViews.None, HeadReadout Readout = HeadReadout.None);

/// <summary>Raw and learned scores on the same held-out items.</summary>
/// <param name="RawPooled">
/// Vectors that carry their regions (<see cref="RegionVectors"/>): the raw score of their pooled part alone — the
/// plain recipe's vector of the same photos — so the learned head is also measured against it; otherwise null.
/// </param>
public sealed record HoldoutReport(HoldoutOptions Options, int LearnItems, int LearnClasses, int HeldOutItems, double LearnSeconds,
    RetrievalReport Raw, RetrievalReport Learned, IReadOnlyList<string> Notes, RetrievalReport? RawPooled = null);

/// <summary>
/// Held-out evaluation of a learned projection: the labelled items are split (seeded) into a part that learns — by the
/// same code as <c>lookalike learn</c> — and a held-out part that is both the queries and the gallery, evaluated raw
/// and through the projection in the same run.
/// </summary>
public static class HoldoutEvaluator
{
    /// <exception cref="LookalikeException">InvalidArgument for a fraction outside (0, 1), no label column, or a learning part that cannot learn.</exception>
    public static HoldoutReport Run(IReadOnlyList<CatalogItem> items, string labelColumn, RetrievalOptions options, HoldoutOptions holdout, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(holdout);
        var learned = Learn(items, labelColumn, holdout, progress);
        var raw = RetrievalEvaluator.Run(learned.HeldOut, labelColumn, options, progress);
        var through = learned.Readouts is { } readouts
            // The projection reads [vector, readout], which a search pipeline cannot give it: the held-out items go in already mapped.
            ? RetrievalEvaluator.Run(MapWithReadout(learned.HeldOut, readouts, learned.Projection), labelColumn, options, progress) with { Pipeline = PipelineName(options, learned.Name) }
            : RetrievalEvaluator.Run(learned.HeldOut, labelColumn, options with { Projection = learned.Projection, ProjectionName = learned.Name }, progress);
        var pooled = learned.HeldOut.Count > 0 && RegionVectors.Carries(learned.HeldOut[0].Model)
            ? RetrievalEvaluator.Run(PooledParts(learned.HeldOut), labelColumn, options, progress) with { Pipeline = PipelineName(options, "pooled part") }
            : null;
        return new HoldoutReport(holdout, learned.Set.Items, learned.Set.Classes, learned.HeldOut.Count, learned.Seconds, raw, through, learned.Set.Notes, pooled);
    }

    /// <summary>The items with only the pooled part of their vectors (<see cref="RegionVectors"/>), unit length again.</summary>
    private static List<CatalogItem> PooledParts(IReadOnlyList<CatalogItem> items) => items.Select(item =>
    {
        float[] pooled = item.Vector.Span[..(item.Vector.Length / RegionVectors.Parts)].ToArray();
        Core.Vectors.VectorMath.Normalize(pooled);
        return item with { Vector = pooled };
    }).ToList();

    /// <summary>A projection learned on the learning part, and the held-out part to evaluate it on.</summary>
    /// <param name="Readouts">Each learning and held-out item's readout, when the projection reads one beside the vector.</param>
    public sealed record Learned(Projection Projection, string Name, List<CatalogItem> HeldOut, LabelLearningSet.Result Set, double Seconds,
        IReadOnlyDictionary<ItemId, float[]>? Readouts = null);

    /// <summary>The items with their vectors mapped through a projection that reads <c>[vector, readout]</c>.</summary>
    public static List<CatalogItem> MapWithReadout(IReadOnlyList<CatalogItem> items, IReadOnlyDictionary<ItemId, float[]> readouts, Projection projection)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(readouts);
        ArgumentNullException.ThrowIfNull(projection);
        var mapped = new CatalogItem[items.Count];
        Parallel.For(0, items.Count, i => mapped[i] = items[i] with { Vector = projection.ApplyWithReadout(items[i].Vector.Span, readouts[items[i].Id]) });
        return mapped.ToList();
    }

    private static string PipelineName(RetrievalOptions options, string projectionName) =>
        options.Pipeline == "plain" ? projectionName : projectionName + "+" + options.Pipeline;

    /// <summary>Splits, and learns on the learning part by the same code as <c>lookalike learn --label-column</c>.</summary>
    public static Learned Learn(IReadOnlyList<CatalogItem> items, string labelColumn, HoldoutOptions holdout, IProgress<string>? progress = null)
    {
        if (!(holdout.Fraction > 0 && holdout.Fraction < 1))
            throw LookalikeException.InvalidArgument("holdout", $"--holdout is the share of items held out for evaluation, strictly between 0 and 1; got {holdout.Fraction}.");
        if (holdout.Readout != HeadReadout.None && holdout.Method != ProjectionMethod.Head)
            throw LookalikeException.InvalidArgument("readout", $"--readout is read by the trained head (--method head); {holdout.Method.ToString().ToLowerInvariant()} takes the vectors only.");
        if (holdout.Readout != HeadReadout.None && holdout.Augment != TrainingViews.None)
            throw LookalikeException.InvalidArgument("readout", "--readout and --augment cannot be combined yet: the extra views have no feature maps to read.");
        if (holdout.Readout != HeadReadout.None && items.Count > 0 && RegionVectors.Carries(items[0].Model))
            throw LookalikeException.InvalidArgument("readout", $"The store's vectors ({items[0].Model}) carry their regions already, and the head reads them from there: drop --readout.");
        var (learn, heldOut) = Split(items, labelColumn, holdout);
        progress?.Report($"holdout by {holdout.By.ToString().ToLowerInvariant()} (seed {holdout.Seed}): {learn.Count:N0} items learn, {heldOut.Count:N0} held out");
        var set = LabelLearningSet.Build(learn, labelColumn, ItemFilter.None);
        foreach (var note in set.Notes) progress?.Report("note: " + note);
        var watch = Stopwatch.StartNew();
        if (holdout.Augment != TrainingViews.None)
        {
            set = StoreLearning.Augment(set, learn[0].Model, holdout.Augment, progress);
        }
        Dictionary<ItemId, float[]>? readouts = null;
        if (holdout.Readout == HeadReadout.Regions)
        {
            readouts = RegionReadoutReader.Read([.. learn, .. heldOut], learn[0].Model, progress);
            int k = readouts.Values.First().Length;
            var rows = new float[(long)set.Set.Count * k];
            for (int r = 0; r < set.Set.Count; r++) readouts[set.RowItems[r].Id].CopyTo(rows, (long)r * k);
            set = set with { Set = set.Set.WithReadout(rows, k) };
        }
        var projection = ProjectionLearner.FitStored(set.Set, learn[0].Model, holdout.Method, StoreLearning.HeadFor(holdout.Head, holdout.Augment), progress);
        double seconds = watch.Elapsed.TotalSeconds;
        string method = holdout.Method.ToString().ToLowerInvariant() + (readouts is null && !RegionVectors.Carries(learn[0].Model) ? "" : ", regions");
        progress?.Report($"learned {method} on {set.Items:N0} items of {set.Classes} classes in {seconds:0.0} s");
        return new Learned(projection, $"learned({method})", heldOut, set, seconds, readouts);
    }

    /// <summary>The learning part and the held-out part of the items that have a label, deterministic for a seed.</summary>
    public static (List<CatalogItem> Learn, List<CatalogItem> HeldOut) Split(IReadOnlyList<CatalogItem> items, string labelColumn, HoldoutOptions holdout)
    {
        var labelled = items
            .Where(i => i.Metadata.TryGetValue(labelColumn, out string? v) && !string.IsNullOrWhiteSpace(v))
            .OrderBy(i => i.Id.Value, StringComparer.Ordinal)
            .ToList();
        if (labelled.Count == 0)
        {
            var known = items.SelectMany(i => i.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            throw LookalikeException.InvalidArgument("label-column",
                $"No item has a value in column '{labelColumn}'. Known columns: {(known.Count == 0 ? "(none; index with --labels)" : string.Join(", ", known))}.");
        }
        var random = new Random(holdout.Seed);
        var heldOut = new HashSet<ItemId>();
        if (holdout.By == HoldoutSplit.Item)
        {
            var shuffled = labelled.ToArray();
            random.Shuffle(shuffled);
            foreach (var item in shuffled.Take((int)Math.Round(shuffled.Length * holdout.Fraction))) heldOut.Add(item.Id);
        }
        else
        {
            var classes = labelled.GroupBy(i => i.Metadata[labelColumn], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
            random.Shuffle(classes);
            int target = (int)Math.Round(labelled.Count * holdout.Fraction);
            foreach (var group in classes)
            {
                if (heldOut.Count >= target) break;
                foreach (var item in group) heldOut.Add(item.Id);
            }
        }
        return (labelled.Where(i => !heldOut.Contains(i.Id)).ToList(), labelled.Where(i => heldOut.Contains(i.Id)).ToList());
    }
}

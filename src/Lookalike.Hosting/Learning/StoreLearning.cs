using System.Diagnostics;
using System.Globalization;
using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using Lookalike.Core.Learning;

namespace Lookalike.Hosting.Learning;

/// <summary>
/// <c>lookalike learn</c>: fits a projection from the catalog's labels or its feedback and stores it in the store,
/// replacing the previous one in one transaction. Nothing is written unless the fit succeeds.
/// </summary>
public static class StoreLearning
{
    /// <summary>The stored projection, and notes on what was left out.</summary>
    public sealed record Outcome(StoredProjection Stored, IReadOnlyList<string> Notes);

    /// <exception cref="LookalikeException">InvalidArgument naming the cause when the store's data cannot learn (see <see cref="LabelLearningSet"/>, <see cref="FeedbackLearningSet"/>).</exception>
    public static Outcome Learn(ICatalogStore store, IFeedbackStore? feedback, LearnRequest request, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        var info = store.GetInfo();
        if (info.Items == 0 || info.Model is null) throw LookalikeException.InvalidArgument("store", $"Store {store.Location} holds no items to learn from.");
        var items = store.ReadAll(withVectors: true).ToList();
        var watch = Stopwatch.StartNew();
        LearningSet set;
        ProjectionDescriptor descriptor;
        IReadOnlyList<string> notes;
        string? filter = request.Filter.IsEmpty ? null : request.Filter.ToString();
        if (request.LabelColumn is { } column)
        {
            var built = LabelLearningSet.Build(items, column, request.Filter);
            if (request.Augment != TrainingViews.None) built = Augment(built, info.Model, request.Augment, progress);
            set = built.Set;
            notes = built.Notes;
            descriptor = Describe(request, info, "labels", set) with
            {
                LabelColumn = column, Filter = filter, Items = built.Items, Classes = built.Classes,
                Augment = request.Augment == TrainingViews.None ? null : TrainingViewsText.Format(request.Augment),
            };
        }
        else
        {
            if (request.Augment != TrainingViews.None)
                throw LookalikeException.InvalidArgument("augment", "--augment adds views of each item's photo to its class: it learns from --label-column only.");
            if (feedback is null) throw LookalikeException.InvalidArgument("feedback", $"Store {store.Location} has no feedback to learn from.");
            var built = FeedbackLearningSet.Build(items, feedback, request.Filter, request.Before, request.Pairing);
            set = built.Set;
            notes = built.Notes;
            descriptor = Describe(request, info, "feedback", set) with
            {
                Filter = filter, Items = built.Items, Pairs = built.Pairs,
                Before = request.Before?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            };
        }
        if (request.Method == ProjectionMethod.Lda && set.Classes is null)
            throw LookalikeException.InvalidArgument("method", "lda needs classes: learn from --label-column, or use --method head or lw with --feedback.");
        foreach (var note in notes) progress?.Report("note: " + note);
        progress?.Report($"learning {request.Method.ToString().ToLowerInvariant()} from {set.Count:N0} vectors");
        var projection = ProjectionLearner.FitStored(set, info.Model.Value, request.Method, HeadFor(request.Head, request.Augment), progress);
        descriptor = descriptor with { OutputDimension = projection.OutputDimension, Seconds = Math.Round(watch.Elapsed.TotalSeconds, 2) };
        var stored = store.SetProjection(descriptor, projection);
        return new Outcome(stored, notes);
    }

    /// <summary>
    /// Embeds the extra views of the learning items' photos with the store's own model and adds them to the set
    /// (<c>learn --augment</c>); notes name items whose photo could not be read.
    /// </summary>
    /// <exception cref="LookalikeException">InvalidArgument naming <c>augment</c>: the store's model cannot run on photos here, or no photo could be read.</exception>
    public static LabelLearningSet.Result Augment(LabelLearningSet.Result built, ModelId? model, TrainingViews views, IProgress<string>? progress)
    {
        ArgumentNullException.ThrowIfNull(built);
        IImageEmbedder embedder;
        try
        {
            embedder = LookalikeComponents.CreateEmbedderFor(model, null);
        }
        catch (LookalikeException e)
        {
            throw LookalikeException.InvalidArgument("augment",
                $"--augment re-embeds the learning items' photos with the store's model '{model}', which cannot run here ({e.Message}); learn without --augment.");
        }
        using (embedder)
        {
            var items = built.RowItems.DistinctBy(i => i.Id).ToList();
            progress?.Report($"augment: embedding {TrainingViewsText.Format(views)} views of {items.Count:N0} photos ({TrainingViewsText.Runs(views)} network run(s) each)");
            var notes = built.Notes.ToList();
            var vectors = TrainingViewEmbedder.Embed(items, views, embedder, LookalikeComponents.CreateDecoder(), notes, progress);
            foreach (var note in notes.Skip(built.Notes.Count)) progress?.Report("note: " + note);
            return LabelLearningSet.WithViews(built with { Notes = notes }, vectors);
        }
    }

    /// <summary>
    /// The head's settings for a learn with <paramref name="views"/>: an augmented head takes
    /// <see cref="DefaultStepAugmented"/> unless a step was given.
    /// </summary>
    public static MetricHeadOptions HeadFor(MetricHeadOptions? head, TrainingViews views)
    {
        head ??= new MetricHeadOptions();
        return views != TrainingViews.None && head.Step is null ? head with { Step = DefaultStepAugmented } : head;
    }

    /// <summary>
    /// The step of a head learned with <c>--augment</c>: the largest whose mean loss on categories never seen stayed
    /// within 1% on three validation class splits (0.75 lost 1.3% on average; docs/evaluation.md, "Learned", round 3).
    /// </summary>
    public const float DefaultStepAugmented = 0.5f;

    private static ProjectionDescriptor Describe(LearnRequest request, StoreInfo info, string source, LearningSet set) => new()
    {
        Method = request.Method.ToString().ToLowerInvariant(),
        Source = source,
        Items = set.Count,
        FittedGeneration = info.Generation,
        Model = info.Model!.Value.Value,
        InputDimension = set.Dimension,
        OutputDimension = set.Dimension,
        CreatedUtc = DateTimeOffset.UtcNow,
    };
}

using System.Diagnostics;
using System.Globalization;
using Lookalike.Core.Catalog;
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
            set = built.Set;
            notes = built.Notes;
            descriptor = Describe(request, info, "labels", set) with { LabelColumn = column, Filter = filter, Items = built.Items, Classes = built.Classes };
        }
        else
        {
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
        var projection = ProjectionLearner.Fit(set, request.Method, request.Head, progress);
        descriptor = descriptor with { OutputDimension = projection.OutputDimension, Seconds = Math.Round(watch.Elapsed.TotalSeconds, 2) };
        var stored = store.SetProjection(descriptor, projection);
        return new Outcome(stored, notes);
    }

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

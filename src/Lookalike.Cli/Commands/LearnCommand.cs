using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Errors;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Learning;
using Lookalike.Hosting.Reliability;
using Lookalike.Hosting.Search;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike learn</c>: fit the catalog's look-alike space from its labels or its feedback, or drop it.</summary>
internal static class LearnCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var label = new Option<string?>("--label-column") { Description = "Learn from labels: items with the same value in this metadata column look alike." };
        var feedback = new Option<bool>("--feedback") { Description = "Learn from feedback: items one person bought, liked or chose within 30 days of each other look alike (see --pair-window)." };
        var before = new Option<string?>("--before") { Description = "With --feedback: only events before this date (YYYY-MM-DD, UTC), e.g. a training cut-off." };
        var where = CommonOptions.Where();
        var drop = new Option<bool>("--drop") { Description = "Drop the learned projection: search the raw vectors again." };
        var method = MethodOption();
        method.Description += " With --feedback the default is lw (head on a +regions store).";
        var head = new HeadOptions();
        var json = CommonOptions.Json();
        var command = new Command("learn", "Learn the catalog's look-alike space from its labels or feedback; every query and every item added later goes through it.")
        {
            store, label, feedback, before, where, method, drop, json,
        };
        head.AddTo(command);
        var pairing = new PairingOptions();
        pairing.AddTo(command);
        command.SetAction((parse, _) => CommandRunner.RunAsync(() =>
        {
            string storeDirectory = StoreLocation.Resolve(parse.GetValue(store));
            string? column = parse.GetValue(label);
            bool fromFeedback = parse.GetValue(feedback);
            using var writerLock = StoreWriterLock.Acquire(storeDirectory);
            using var catalog = LookalikeComponents.OpenStore(storeDirectory, create: false);
            if (parse.GetValue(drop))
            {
                if (column is not null || fromFeedback) throw LookalikeException.InvalidArgument("drop", "--drop takes no --label-column or --feedback.");
                bool dropped = catalog.DropProjection();
                if (parse.GetValue(json)) JsonOutput.WriteLine(new Dictionary<string, object?> { ["dropped"] = dropped });
                else Console.Error.WriteLine(dropped ? $"dropped the learned projection of {catalog.Location}: searching raw vectors" : $"{catalog.Location} had no learned projection");
                return Task.FromResult(CommandRunner.Ok);
            }
            if ((column is null) == !fromFeedback)
                throw LookalikeException.InvalidArgument("label-column", "Give --label-column COLUMN (learn from labels) or --feedback (learn from feedback), one of the two.");
            if (parse.GetValue(before) is not null && !fromFeedback)
                throw LookalikeException.InvalidArgument("before", "--before applies to --feedback only.");
            if (pairing.Given(parse) && !fromFeedback)
                throw LookalikeException.InvalidArgument("pair-window", "--pair-window, --pair-partners and --pairs-per-item apply to --feedback only.");
            var request = new LearnRequest
            {
                LabelColumn = column,
                Filter = ItemFilter.Parse(parse.GetValue(where) ?? []),
                Before = parse.GetValue(before) is { } date ? ParseDate(date) : null,
                // From feedback, learned whitening measured best on H&M (docs/evaluation.md, "Learned from feedback"),
                // except on vectors that carry their regions, which only the head reads.
                Method = fromFeedback && parse.GetResult(method) is null or { Implicit: true } && !(catalog.Model is { } model && RegionVectors.Carries(model))
                    ? ProjectionMethod.Lw : parse.GetValue(method),
                Head = head.Read(parse),
                Augment = head.ReadAugment(parse),
                Pairing = pairing.Read(parse),
            };
            using var feedbackStore = fromFeedback ? LookalikeComponents.OpenFeedback(storeDirectory) : null;
            var outcome = StoreLearning.Learn(catalog, feedbackStore, request, new Progress(m => Console.Error.WriteLine(m)));
            var stored = outcome.Stored;
            // The index in the new space now, as 'index' does, so the first query does not build it.
            VectorIndexLoader.Prebuild(catalog, IndexSpec.Auto, message => Console.Error.WriteLine(message));
            if (parse.GetValue(json)) JsonOutput.WriteLine(ProjectionJsonView.Of(stored));
            else
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{stored.Descriptor.Summary}: {stored.Descriptor.InputDimension}→{stored.Descriptor.OutputDimension}-d, version {stored.Version}, {stored.Descriptor.Seconds:0.0} s; queries and new items now go through it ('lookalike learn --drop' to return to raw)"));
            return Task.FromResult(CommandRunner.Ok);
        }));
        return command;
    }

    private static DateTimeOffset ParseDate(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : throw LookalikeException.InvalidArgument("before", $"--before must be a date such as 2020-07-08; got '{value}'.");

    /// <summary><c>--method head|lw|lda</c>.</summary>
    public static Option<ProjectionMethod> MethodOption() => new("--method")
    {
        Description = "head (default: a small residual network trained by SGD, the best measured), lw (learned whitening, closed form) or lda (labels only).",
        DefaultValueFactory = _ => ProjectionLearner.DefaultMethod,
    };

    /// <summary>Training settings of the head, shared by <c>learn</c> and <c>eval --holdout</c>.</summary>
    internal sealed class HeadOptions
    {
        private static readonly MetricHeadOptions Defaults = new();
        private readonly Option<int?> _epochs = new("--epochs") { Description = $"Head: passes over the data (default {MetricHeadOptions.DefaultEpochs}; {MetricHeadOptions.DefaultEpochsWithReadout} when it reads the photos' regions too)." };
        private readonly Option<int> _hidden = new("--hidden") { Description = $"Head: hidden units (default {Defaults.Hidden}).", DefaultValueFactory = _ => Defaults.Hidden };
        private readonly Option<float> _rate = new("--learning-rate") { Description = $"Head: Adam step size (default {Defaults.LearningRate}).", DefaultValueFactory = _ => Defaults.LearningRate };
        private readonly Option<float> _temperature = new("--temperature") { Description = $"Head: softmax temperature (default {Defaults.Temperature}).", DefaultValueFactory = _ => Defaults.Temperature };
        private readonly Option<float> _dropout = new("--input-dropout") { Description = $"Head: share of input values dropped per training step (default {Defaults.InputDropout}).", DefaultValueFactory = _ => Defaults.InputDropout };
        private readonly Option<float?> _step = new("--step") { Description = $"Head: share of the learned correction applied, 0–1 (default {MetricHeadOptions.DefaultStepFromClasses} from labels, {StoreLearning.DefaultStepAugmented} with --augment, {MetricHeadOptions.DefaultStepFromPairs} from feedback; 1 favours the known classes, less keeps unseen ones)." };
        private readonly Option<float> _keep = new("--keep-geometry") { Description = $"Head, labels: weight of keeping each pair of items at its raw cosine, 0 off (default {Defaults.KeepGeometry}; more keeps unseen categories, less favours the known ones).", DefaultValueFactory = _ => Defaults.KeepGeometry };
        private readonly Option<string?> _augment = new("--augment") { Description = "Labels: also learn from views of each learning item's photo, re-embedded: flip, zoom or flip,zoom (1, 1 or 3 network runs per item; default none)." };
        private readonly Option<int> _learnSeed = new("--learn-seed") { Description = $"Head: seed of the initial weights and the data order (default {Defaults.Seed}).", DefaultValueFactory = _ => Defaults.Seed };

        public void AddTo(Command command)
        {
            command.Options.Add(_epochs);
            command.Options.Add(_hidden);
            command.Options.Add(_rate);
            command.Options.Add(_temperature);
            command.Options.Add(_learnSeed);
            command.Options.Add(_dropout);
            command.Options.Add(_step);
            command.Options.Add(_keep);
            command.Options.Add(_augment);
        }

        /// <summary>The <c>--augment</c> views (none when not given).</summary>
        public TrainingViews ReadAugment(ParseResult parse) => parse.GetValue(_augment) is { } text ? TrainingViewsText.Parse(text) : TrainingViews.None;

        public MetricHeadOptions Read(ParseResult parse)
        {
            int? epochs = parse.GetValue(_epochs);
            int hidden = parse.GetValue(_hidden);
            float rate = parse.GetValue(_rate), temperature = parse.GetValue(_temperature);
            if (epochs is < 1 or > 1000) throw LookalikeException.InvalidArgument("epochs", $"--epochs must be 1–1000; got {epochs}.");
            if (hidden is < 8 or > 4096) throw LookalikeException.InvalidArgument("hidden", $"--hidden must be 8–4096; got {hidden}.");
            if (!(rate > 0 && rate < 1)) throw LookalikeException.InvalidArgument("learning-rate", $"--learning-rate must be between 0 and 1; got {rate}.");
            if (!(temperature > 0.001f && temperature <= 10)) throw LookalikeException.InvalidArgument("temperature", $"--temperature must be 0.001–10; got {temperature}.");
            float? step = parse.GetValue(_step);
            if (step is { } given && !(given > 0 && given <= 1)) throw LookalikeException.InvalidArgument("step", $"--step must be above 0 and at most 1; got {step}.");
            float keep = parse.GetValue(_keep);
            if (!(keep >= 0 && keep <= 1000)) throw LookalikeException.InvalidArgument("keep-geometry", $"--keep-geometry must be 0–1000; got {keep}.");
            return new MetricHeadOptions
            {
                Epochs = epochs, Hidden = hidden, LearningRate = rate, Temperature = temperature, Seed = parse.GetValue(_learnSeed),
                InputDropout = parse.GetValue(_dropout), Step = step, KeepGeometry = keep,
            };
        }
    }

    /// <summary>Reports on the calling thread, in order.</summary>
    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}

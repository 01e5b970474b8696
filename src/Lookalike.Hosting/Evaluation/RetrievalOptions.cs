using System.Globalization;
using System.Text.RegularExpressions;
using Lookalike.Core.Errors;
using Lookalike.Core.Learning;
using Lookalike.Core.Retrieval;

namespace Lookalike.Hosting.Evaluation;

/// <summary>
/// What <see cref="RetrievalEvaluator"/> measures and which search-time improvements it applies over the stored
/// vectors. The default is the plain recipe: stored vectors, cosine, top-k.
/// </summary>
public sealed partial record RetrievalOptions
{
    /// <summary>Cut-off of every metric, 1–1000 (default 10).</summary>
    public int K { get; init; } = 10;

    /// <summary>Evaluate a seeded random sample of this many labelled items as queries; null: every labelled item.</summary>
    public int? Queries { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>
    /// A learned projection (<c>lookalike learn</c>) applied to every stored vector before the rest of the pipeline, and
    /// timed on every query's raw vector (as a photo query pays it); null: the raw space.
    /// </summary>
    public Projection? Projection { get; init; }

    /// <summary>Printable name of <see cref="Projection"/>, e.g. <c>learned(head)</c>.</summary>
    public string? ProjectionName { get; init; }

    /// <summary>PCA learned on the catalog to this many dimensions (0: off).</summary>
    public int PcaDimension { get; init; }

    /// <summary>With <see cref="PcaDimension"/>: whiten (unit variance per component) as well as rotate and reduce.</summary>
    public bool Whiten { get; init; } = true;

    /// <summary>Database-side augmentation: every catalog vector averaged with this many nearest neighbours (0: off).</summary>
    public int DbaNeighbours { get; init; }

    /// <summary>α-query expansion: the query averaged with its top this-many results, then searched again (0: off).</summary>
    public int QeNeighbours { get; init; }

    /// <summary>Exponent of the neighbour weights <c>score^α</c> in DBA and αQE (default 3).</summary>
    public float Alpha { get; init; } = 3f;

    /// <summary>
    /// Simulated relevance feedback: after the first page, results sharing the query's label are marked relevant,
    /// the others not, and the query moves by Rocchio (1, 0.75, 0.15) before the page that is scored.
    /// </summary>
    public bool Rocchio { get; init; }

    /// <summary>k-reciprocal re-ranking of each query's shortlist (after αQE, before Rocchio); null: off.</summary>
    public KReciprocalSpec? Rerank { get; init; }

    /// <summary>How many of the worst queries (lowest AP) the report keeps, for the HTML strips.</summary>
    public int WorstQueries { get; init; } = 20;

    /// <summary>Queries timed one by one (the whole single-query path) for the latency figure.</summary>
    public int LatencySamples { get; init; } = 300;

    /// <summary>
    /// These options with the search pipeline of <paramref name="spec"/>, the syntax <see cref="Pipeline"/> prints
    /// (round-trips): <c>plain</c>, or parts joined by <c>+</c> — <c>pca(D)</c> or <c>pcaw(D)</c>, <c>dba(N[,α=A])</c>,
    /// <c>aqe(N[,α=A])</c> (<c>alpha=A</c> also accepted; one α for both), <c>kr</c> or <c>kr(k1=…,…)</c>, <c>rocchio</c>.
    /// K, sample, seed and report sizes are kept.
    /// </summary>
    /// <exception cref="LookalikeException">InvalidArgument (field <c>pipeline</c>) naming the bad part.</exception>
    public RetrievalOptions WithPipeline(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        LookalikeException Bad(string why) => LookalikeException.InvalidArgument("pipeline",
            $"Invalid pipeline '{spec}': {why}. Examples: plain, kr, pca(256)+dba(3)+aqe(3,α=3), pcaw(128)+kr(shortlist=50).");
        var result = this with { PcaDimension = 0, Whiten = true, DbaNeighbours = 0, QeNeighbours = 0, Rerank = null, Rocchio = false };
        string text = spec.Trim().ToLowerInvariant();
        if (text == "plain") return result;
        float? alpha = null;
        foreach (string part in text.Split('+', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("kr", StringComparison.Ordinal))
            {
                if (result.Rerank is not null) throw Bad("kr given twice");
                result = result with { Rerank = KReciprocalSpec.Parse(part) };
                continue;
            }
            if (part == "rocchio")
            {
                result = result with { Rocchio = true };
                continue;
            }
            var match = PipelinePart().Match(part);
            if (!match.Success) throw Bad($"unknown part '{part}'");
            string name = match.Groups["name"].Value;
            if (!int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                throw Bad($"'{part}' needs a positive whole number");
            if (match.Groups["alpha"].Success)
            {
                if (name.StartsWith("pca", StringComparison.Ordinal)) throw Bad($"'{part}' takes no α");
                float a = float.Parse(match.Groups["alpha"].Value, CultureInfo.InvariantCulture);
                if (alpha is { } other && other != a) throw Bad("dba and aqe share one α");
                alpha = a;
            }
            bool repeated = name switch
            {
                "pca" or "pcaw" => result.PcaDimension > 0,
                "dba" => result.DbaNeighbours > 0,
                _ => result.QeNeighbours > 0,
            };
            if (repeated) throw Bad($"'{name}' given twice");
            result = name switch
            {
                "pca" => result with { PcaDimension = n, Whiten = false },
                "pcaw" => result with { PcaDimension = n, Whiten = true },
                "dba" => result with { DbaNeighbours = n },
                _ => result with { QeNeighbours = n },
            };
        }
        return alpha is { } chosen ? result with { Alpha = chosen } : result;
    }

    [GeneratedRegex(@"^(?<name>pcaw|pca|dba|aqe)\((?<n>[0-9]+)(\s*,\s*(α|alpha)\s*=\s*(?<alpha>[0-9]+(\.[0-9]+)?))?\)$")]
    private static partial Regex PipelinePart();

    /// <summary>Printable pipeline, e.g. <c>plain</c> or <c>pcaw(256)+dba(2)+aqe(2,α=3)</c>.</summary>
    public string Pipeline
    {
        get
        {
            var parts = new List<string>();
            if (Projection is not null) parts.Add(ProjectionName ?? "learned");
            if (PcaDimension > 0) parts.Add((Whiten ? "pcaw(" : "pca(") + PcaDimension.ToString(CultureInfo.InvariantCulture) + ")");
            if (DbaNeighbours > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"dba({DbaNeighbours},α={Alpha:0.##})"));
            if (QeNeighbours > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"aqe({QeNeighbours},α={Alpha:0.##})"));
            if (Rerank is not null) parts.Add(Rerank.ToString());
            if (Rocchio) parts.Add("rocchio");
            return parts.Count == 0 ? "plain" : string.Join('+', parts);
        }
    }
}

using System.Globalization;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Recommendations;

/// <summary>
/// How the hybrid mixes its sources: a non-negative weight per source (they need not sum to 1), plus where the
/// weights came from. Prints and parses as <c>itemknn=0.1,userknn=0.2,visual=0.2,visualknn=0.3,popular=0.2</c>.
/// </summary>
public sealed record HybridWeights
{
    public HybridWeights(double itemKnn, double userKnn, double visual, double popular, double visualKnn = 0)
    {
        foreach (double w in (double[])[itemKnn, userKnn, visual, popular, visualKnn])
        {
            if (!(w >= 0) || !double.IsFinite(w)) throw LookalikeException.InvalidArgument("weights", $"Hybrid weights must be finite and ≥ 0; got {w}.");
        }
        if (itemKnn + userKnn + visual + popular + visualKnn <= 0) throw LookalikeException.InvalidArgument("weights", "At least one hybrid weight must be positive.");
        ItemKnn = itemKnn;
        UserKnn = userKnn;
        Visual = visual;
        Popular = popular;
        VisualKnn = visualKnn;
    }

    /// <summary>Used until weights are tuned: every source a share, the visual ones most (they also cover cold items).</summary>
    public static HybridWeights Default { get; } = new(0.1, 0.2, 0.2, 0.2, 0.3) { Origin = "default" };

    public double ItemKnn { get; }
    public double UserKnn { get; }
    public double Visual { get; }
    public double Popular { get; }
    public double VisualKnn { get; }

    /// <summary>The weight of one source.</summary>
    public double Of(RecommendationStrategy source) => source switch
    {
        RecommendationStrategy.ItemKnn => ItemKnn,
        RecommendationStrategy.UserKnn => UserKnn,
        RecommendationStrategy.Visual => Visual,
        RecommendationStrategy.VisualKnn => VisualKnn,
        RecommendationStrategy.Popular => Popular,
        _ => 0,
    };

    /// <summary>Where they came from, e.g. <c>default</c> or <c>tuned on 2,874 validation users (temporal:2020-07-22)</c>.</summary>
    public string Origin { get; init; } = "given";

    /// <summary>The tuning objective reached on the validation split (nDCG@k), when tuned.</summary>
    public double? ValidationScore { get; init; }

    /// <summary>When they were tuned, when tuned.</summary>
    public DateTimeOffset? TunedAt { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"itemknn={ItemKnn:0.###},userknn={UserKnn:0.###},visual={Visual:0.###},visualknn={VisualKnn:0.###},popular={Popular:0.###}");

    /// <summary>Parses <c>name=weight</c> pairs separated by commas; unnamed sources get 0.</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the bad part.</exception>
    public static HybridWeights Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        double itemKnn = 0, userKnn = 0, visual = 0, popular = 0, visualKnn = 0;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int at = part.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || !double.TryParse(part[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double w))
                throw LookalikeException.InvalidArgument("weights", $"Malformed hybrid weight '{part}': expected name=number, e.g. visual=0.3.");
            switch (part[..at].Trim().ToLowerInvariant())
            {
                case "itemknn": itemKnn = w; break;
                case "userknn": userKnn = w; break;
                case "visual": visual = w; break;
                case "visualknn": visualKnn = w; break;
                case "popular": popular = w; break;
                default: throw LookalikeException.InvalidArgument("weights", $"Unknown hybrid source '{part[..at]}': expected itemknn, userknn, visual, visualknn or popular.");
            }
        }
        return new HybridWeights(itemKnn, userKnn, visual, popular, visualKnn);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Lookalike.Server.Tests.Telemetry;

/// <summary>Reads samples out of a Prometheus text exposition: <c>name{label="value",…} 12.5</c>.</summary>
public sealed partial class PrometheusText(string text)
{
    public string Text { get; } = text;

    /// <summary>
    /// The sum of the samples named <paramref name="name"/> whose labels include every one of <paramref name="labels"/>;
    /// null when there is none.
    /// </summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        double? sum = null;
        foreach (Match m in Sample().Matches(Text))
        {
            if (m.Groups["name"].Value != name) continue;
            string set = m.Groups["labels"].Value;
            if (!labels.All(l => set.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal))) continue;
            sum = (sum ?? 0) + double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return sum;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN|\+Inf)( \d+)?$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}

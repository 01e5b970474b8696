using Lookalike.Core.Learning;

namespace Lookalike.Hosting.Learning;

/// <summary>The <c>"projection"</c> object of <c>info --json</c>, <c>learn --json</c> and the server's store summary.</summary>
public static class ProjectionJsonView
{
    public static Dictionary<string, object?> Of(StoredProjection stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var d = stored.Descriptor;
        return new Dictionary<string, object?>
        {
            ["version"] = stored.Version,
            ["format"] = Projection.FormatVersion,
            ["method"] = d.Method,
            ["source"] = d.Source,
            ["label_column"] = d.LabelColumn,
            ["filter"] = d.Filter,
            ["before"] = d.Before,
            ["augment"] = d.Augment,
            ["items"] = d.Items,
            ["classes"] = d.Classes,
            ["pairs"] = d.Pairs,
            ["fitted_generation"] = d.FittedGeneration,
            ["model"] = d.Model,
            ["input_dimension"] = d.InputDimension,
            ["output_dimension"] = d.OutputDimension,
            ["layers"] = stored.Projection.Layers.Select(l => $"{l.Inputs}→{l.Outputs}{(l.Relu ? "+relu" : "")}").ToList(),
            ["residual"] = stored.Projection.Residual,
            ["created_utc"] = d.CreatedUtc,
            ["seconds"] = d.Seconds,
            ["summary"] = d.Summary,
        };
    }
}

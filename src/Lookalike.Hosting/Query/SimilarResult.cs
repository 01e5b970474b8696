using System.Text.Json.Serialization;

namespace Lookalike.Hosting.Query;

/// <summary>What was asked: a catalog item or an outside image.</summary>
public sealed record QueryDescription
{
    /// <summary><c>item</c> or <c>image</c>.</summary>
    public required string Kind { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Path { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The part of the photo searched with (<c>x,y,w,h</c>, pixels or fractions); absent for the whole photo.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Box { get; init; }
}

/// <summary>The answer of <c>similar</c>: same shape on the CLI (<c>--json</c>) and over HTTP.</summary>
public sealed record SimilarResult(QueryDescription Query, IReadOnlyList<RankedItem> Results);

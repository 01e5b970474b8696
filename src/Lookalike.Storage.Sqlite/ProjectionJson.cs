using System.Text.Json;
using Lookalike.Core.Learning;

namespace Lookalike.Storage.Sqlite;

/// <summary>The projection descriptor as stored: snake_case JSON, so that the row reads on its own in any SQLite shell.</summary>
internal static class ProjectionJson
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Serialize(ProjectionDescriptor descriptor) => JsonSerializer.Serialize(descriptor, Options);

    /// <exception cref="JsonException">Not a descriptor.</exception>
    public static ProjectionDescriptor Deserialize(string json) =>
        JsonSerializer.Deserialize<ProjectionDescriptor>(json, Options) ?? throw new JsonException("The projection descriptor is null.");
}

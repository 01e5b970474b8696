using System.Text.Json;

namespace Lookalike.Storage.Sqlite;

/// <summary>Item metadata as a JSON object of string values.</summary>
internal static class MetadataJson
{
    public static string Serialize(IReadOnlyDictionary<string, string> metadata) =>
        metadata.Count == 0 ? "{}" : JsonSerializer.Serialize(metadata);

    public static IReadOnlyDictionary<string, string> Deserialize(string json) =>
        json == "{}" ? new Dictionary<string, string>() :
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? new Dictionary<string, string>();
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lookalike.Hosting.Feeds;

/// <summary>
/// What the mirror fetched last time, per feed id: the URL, the file it wrote, the validators for the next
/// conditional GET and the metadata. Kept as <c>.feed-state.json</c> in the mirror folder (a dot-file, so indexing
/// the folder never sees it), written whole to a temporary file and renamed, so a crash leaves the old state.
/// </summary>
internal sealed class FeedMirrorState
{
    public const string FileName = ".feed-state.json";

    public sealed record Entry(string Url, string File, string? ETag, DateTimeOffset? LastModified, IReadOnlyDictionary<string, string> Metadata);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public Dictionary<string, Entry> Entries { get; init; } = new(StringComparer.Ordinal);

    public static FeedMirrorState Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return new FeedMirrorState();
        try
        {
            var entries = JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(path), Json);
            return new FeedMirrorState { Entries = new Dictionary<string, Entry>(entries ?? [], StringComparer.Ordinal) };
        }
        catch (JsonException)
        {
            // A damaged state only costs unconditional downloads: every image is fetched again.
            return new FeedMirrorState();
        }
    }

    public void Save(string folder)
    {
        string path = Path.Combine(folder, FileName);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(Entries, Json));
        File.Move(temporary, path, overwrite: true);
    }
}

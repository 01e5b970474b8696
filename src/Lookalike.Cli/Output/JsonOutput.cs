using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lookalike.Cli.Output;

/// <summary>JSON on stdout: one compact document (or line) per call, snake_case names.</summary>
internal static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void WriteLine<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));
}

using System.Text.Json;
using Lookalike.Core.Errors;

namespace Lookalike.Feeds.Parsing;

/// <summary>
/// JSON lines: one object a line. Strings, numbers and booleans are fields; an array of scalars is one field, its
/// values comma-joined (e.g. <c>additional_image_link</c>); nested objects and nulls are left out.
/// </summary>
internal static class JsonLinesFeedParser
{
    public static void Parse(Stream stream, string feed, FeedRows rows, FeedLimits limits)
    {
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        int line = 0;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (text.Length > limits.MaxFieldChars)
            {
                rows.Problems.Add(new FeedProblem(line, null, $"line is {text.Length:N0} characters, over {limits.MaxFieldChars:N0}"));
                continue;
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
            }
            catch (JsonException e)
            {
                rows.Problems.Add(new FeedProblem(line, null, $"not JSON: {e.Message}"));
                continue;
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    rows.Problems.Add(new FeedProblem(line, null, $"a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object"));
                    continue;
                }
                rows.Add(line, Fields(document.RootElement));
            }
        }
        if (line == 0) throw LookalikeException.InvalidArgument("--feed", $"Feed {feed} is empty.");
    }

    private static IEnumerable<KeyValuePair<string, string>> Fields(JsonElement item)
    {
        foreach (var property in item.EnumerateObject())
        {
            string? value = Scalar(property.Value)
                ?? (property.Value.ValueKind == JsonValueKind.Array
                    ? string.Join(",", property.Value.EnumerateArray().Select(Scalar).Where(v => v is not null))
                    : null);
            if (value is not null) yield return new(property.Name, value);
        }
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}

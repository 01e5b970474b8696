using System.Text.Json;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using Lookalike.Hosting.Recommendations;

namespace Lookalike.Server.Http;

/// <summary>
/// One event of <c>POST /api/users/{user}/feedback</c>, as JSON: <c>{"kind":"like","item":"images/1.jpg"}</c>,
/// <c>{"kind":"rating","item":…,"value":4}</c>, <c>{"kind":"prefer","item":A,"over":B}</c>,
/// <c>{"kind":"ranking","items":[A,B,C]}</c>, <c>{"kind":"favorite","item":…,"list":"summer","value":0}</c>,
/// <c>{"kind":"search","query":"red dress","item":clicked}</c>; <c>time</c> (ISO 8601) is optional everywhere.
/// </summary>
/// <param name="Kind">rating, like, dislike, purchase, view, prefer, ranking, favorite or search.</param>
/// <param name="Item">The item (the chosen one for prefer, the clicked one for search): an id or a file name without extension.</param>
/// <param name="Over">prefer: the item not chosen.</param>
/// <param name="Value">rating: stars 1–5; favorite: 1 added (default), 0 removed.</param>
/// <param name="Items">ranking: the items, most liked first.</param>
/// <param name="List">favorite: the list name (default <c>favorites</c>).</param>
/// <param name="Query">search: the query text.</param>
/// <param name="QueryItem">search: the item searched with, when the query was an item.</param>
/// <param name="Ranking">ranking: an id for the list (default: made from the time).</param>
/// <param name="Time">When; default now.</param>
public sealed record FeedbackEventBody(
    string Kind, string? Item = null, string? Over = null, double? Value = null, IReadOnlyList<string>? Items = null,
    string? List = null, string? Query = null, string? QueryItem = null, string? Ranking = null, DateTimeOffset? Time = null)
{
    /// <summary>The surface-neutral input the recommendation service checks and stores.</summary>
    public FeedbackInput ToInput()
    {
        // An unknown kind is left for FeedbackInput.ToEvents to report; the mapping below then does not matter.
        var kind = FeedbackKinds.TryParse(Kind, out var parsed) ? parsed : (FeedbackKind?)null;
        return new FeedbackInput
        {
            Kind = Kind,
            Item = Item,
            Other = kind == FeedbackKind.Prefer ? Over : QueryItem,
            Value = Value,
            Items = Items,
            Context = kind switch
            {
                FeedbackKind.Favorite => List,
                FeedbackKind.Search => Query,
                FeedbackKind.Ranking => Ranking,
                _ => null,
            },
            Time = Time,
        };
    }
}

/// <summary>What is wrong with one event of a feedback body.</summary>
/// <param name="Index">Position in the body's list, from 0 (0 for a body that is one object).</param>
/// <param name="Field">The field concerned (<c>kind</c>, <c>item</c>, <c>value</c>, …), when one is.</param>
/// <param name="Message">What is wrong, for people.</param>
public sealed record FeedbackRowError(int Index, string? Field, string Message);

/// <summary>
/// Reads a feedback body: one event object or a list of them. Field names are matched case-insensitively; an unknown
/// field, a wrong JSON type or a missing kind is an error naming the event and the field. Nothing here touches the store.
/// </summary>
internal static class FeedbackBody
{
    /// <summary>Most events one request may carry.</summary>
    public const int MaxEvents = 1000;

    private static readonly string[] Fields = ["kind", "item", "over", "value", "items", "list", "query", "queryItem", "ranking", "time"];

    /// <summary>The well-formed events with their positions in the body, and an error for each malformed one.</summary>
    /// <exception cref="LookalikeException">InvalidArgument (subject <c>body</c>) when the body is not JSON, not an object or list, empty or too long.</exception>
    public static async Task<(IReadOnlyList<(int Index, FeedbackEventBody Event)> Events, IReadOnlyList<FeedbackRowError> Errors)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            throw LookalikeException.InvalidArgument("body", $"Send the feedback as JSON (Content-Type: application/json), e.g. {{\"kind\":\"like\",\"item\":\"images/1.jpg\"}}; got Content-Type '{request.ContentType ?? "none"}'.");
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 8 }, cancellationToken);
        }
        catch (JsonException e)
        {
            throw LookalikeException.InvalidArgument("body", $"The body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            List<JsonElement> elements = root.ValueKind switch
            {
                JsonValueKind.Object => [root],
                JsonValueKind.Array => root.EnumerateArray().ToList(),
                _ => throw LookalikeException.InvalidArgument("body", $"The body must be one feedback event (an object) or a list of them; got {Describe(root.ValueKind)}."),
            };
            if (elements.Count == 0) throw LookalikeException.InvalidArgument("body", "The list of feedback events is empty.");
            if (elements.Count > MaxEvents)
                throw LookalikeException.InvalidArgument("body", $"At most {MaxEvents} events per request; got {elements.Count}. Split the list, or import a CSV with 'lookalike feedback import'.");
            var events = new List<(int, FeedbackEventBody)>(elements.Count);
            var errors = new List<FeedbackRowError>();
            for (int i = 0; i < elements.Count; i++)
            {
                try
                {
                    events.Add((i, Parse(elements[i])));
                }
                catch (LookalikeException e)
                {
                    errors.Add(new FeedbackRowError(i, e.Subject, e.Message));
                }
            }
            return (events, errors);
        }
    }

    private static FeedbackEventBody Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new LookalikeException(LookalikeErrorKind.InvalidArgument, $"Each event must be an object like {{\"kind\":\"like\",\"item\":\"…\"}}; got {Describe(element.ValueKind)}.");
        string? kind = null, item = null, over = null, list = null, query = null, queryItem = null, ranking = null;
        double? value = null;
        List<string>? items = null;
        DateTimeOffset? time = null;
        foreach (var property in element.EnumerateObject())
        {
            string name = Decoded(() => property.Name, "body", "a field name");
            string? field = Fields.FirstOrDefault(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase));
            var v = property.Value;
            switch (field)
            {
                case "kind": kind = Text(v, field); break;
                case "item": item = Text(v, field); break;
                case "over": over = Text(v, field); break;
                case "list": list = Text(v, field); break;
                case "query": query = Text(v, field); break;
                case "queryItem": queryItem = Text(v, field); break;
                case "ranking": ranking = Text(v, field); break;
                case "value":
                    if (v.ValueKind == JsonValueKind.Null) break;
                    if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double number))
                        throw LookalikeException.InvalidArgument(field, $"'value' must be a number; got {Describe(v.ValueKind)}.");
                    value = number;
                    break;
                case "items":
                    if (v.ValueKind == JsonValueKind.Null) break;
                    if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
                        throw LookalikeException.InvalidArgument(field, "'items' must be a list of item ids, most liked first.");
                    items = v.EnumerateArray().Select(x => Decoded(() => x.GetString()!, field, "an item of 'items'")).ToList();
                    break;
                case "time":
                    if (Text(v, field) is not { } t) break;
                    if (!FeedbackCsvImporter.TryParseTime(t, null, out var parsed))
                        throw LookalikeException.InvalidArgument(field, $"'time' must be ISO 8601, e.g. 2024-05-01T12:00:00Z; got '{Printable(t)}'.");
                    time = parsed;
                    break;
                default:
                    throw LookalikeException.InvalidArgument(name, $"Unknown field '{Printable(name)}'; an event has {string.Join(", ", Fields)}.");
            }
        }
        if (string.IsNullOrWhiteSpace(kind))
            throw LookalikeException.InvalidArgument("kind", $"Every event needs a kind: {string.Join(", ", FeedbackKinds.Names)}.");
        return new FeedbackEventBody(kind, item, over, value, items, list, query, queryItem, ranking, time);
    }

    private static string? Text(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.String => Decoded(() => value.GetString()!, field, $"'{field}'"),
        JsonValueKind.Null => null,
        _ => throw LookalikeException.InvalidArgument(field, $"'{field}' must be a string; got {Describe(value.ValueKind)}."),
    };

    /// <summary>
    /// A JSON string as .NET text; bytes that are not UTF-8, or an escaped lone surrogate (<c>\ud800</c>), are no
    /// text at all: 400 naming the field, not a 500 from the transcoder.
    /// </summary>
    private static string Decoded(Func<string> read, string field, string what)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            throw LookalikeException.InvalidArgument(field, $"{char.ToUpperInvariant(what[0])}{what[1..]} is not valid text: invalid UTF-8 or a lone surrogate. Send UTF-8 JSON.");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Printable(string value) => new(value.Take(60).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

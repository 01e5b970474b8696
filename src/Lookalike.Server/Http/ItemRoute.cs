using Lookalike.Core.Catalog;
using Microsoft.AspNetCore.Http.Features;

namespace Lookalike.Server.Http;

/// <summary>
/// Item ids in URLs. Ids contain '/', so the canonical form puts the id in ONE path segment, percent-encoded
/// (<c>encodeURIComponent</c>): <c>/api/items/images%2F10017.jpg/similar</c>. The id is decoded from the raw request
/// target, exactly once, so ids with '%' or '/' round-trip. For people typing URLs, unencoded ids also work
/// (<c>/api/items/images/10017.jpg/similar</c>): a trailing <c>image</c>, <c>thumbnail</c>, <c>similar</c> or <c>also</c> segment names
/// the sub-resource unless the whole path is itself an item id. Every id is validated by <see cref="ItemId.Parse"/>,
/// which rejects '..', '.', empty segments, leading '/', '\' and control characters (400).
/// </summary>
internal static class ItemRoute
{
    /// <summary>Sub-resources of an item, as the last path segment.</summary>
    public static readonly string[] SubResources = ["image", "thumbnail", "similar", "also"];

    /// <summary>
    /// The id in the route parameter <paramref name="routeValue"/> (a single segment), which is followed by
    /// <paramref name="segmentsAfter"/> literal segments in the route.
    /// </summary>
    /// <exception cref="Core.Errors.LookalikeException">InvalidArgument when the decoded id is not a valid item id.</exception>
    public static ItemId FromSegment(HttpContext context, string routeValue, int segmentsAfter) =>
        ItemId.Parse(DecodeSegment(context, routeValue, segmentsAfter));

    /// <summary>
    /// The text of the route parameter <paramref name="routeValue"/> (a single segment followed by
    /// <paramref name="segmentsAfter"/> literal segments), percent-decoded exactly once from the raw request target.
    /// Used for every id that goes in one path segment (items, users).
    /// </summary>
    public static string DecodeSegment(HttpContext context, string routeValue, int segmentsAfter)
    {
        var raw = RawSegments(context);
        // The raw segment is used only when it is the one that was routed (dot segments can shift positions).
        return raw is not null && raw.Length > segmentsAfter && RoutedForm(raw[^(segmentsAfter + 1)]) == routeValue
            ? Unescape(raw[^(segmentsAfter + 1)])
            : Unescape(routeValue);
    }

    /// <summary>
    /// Splits a catch-all path of unencoded ids into the id and an optional sub-resource, preferring the whole path
    /// when it names an item.
    /// </summary>
    public static (ItemId Id, string? SubResource) FromCatchAll(HttpContext context, string routeValue, Func<ItemId, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(exists);
        int count = routeValue.TrimEnd('/').Split('/').Length;
        var raw = RawSegments(context);
        string[] segments = raw is not null && raw.Length >= count
            ? raw[^count..].Select(Unescape).ToArray()
            : routeValue.TrimEnd('/').Split('/').Select(Unescape).ToArray();
        string whole = string.Join('/', segments);
        if (segments.Length >= 2 && SubResources.Contains(segments[^1], StringComparer.Ordinal)
            && !(ItemId.TryParse(whole, out var wholeId) && exists(wholeId)))
        {
            return (ItemId.Parse(string.Join('/', segments[..^1])), segments[^1]);
        }
        return (ItemId.Parse(whole), null);
    }

    /// <summary>The last non-empty segment of a catch-all route value (trailing slashes ignored, as the handler ignores them).</summary>
    public static string LastSegment(string routeValue)
    {
        ArgumentNullException.ThrowIfNull(routeValue);
        string trimmed = routeValue.TrimEnd('/');
        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }

    /// <summary>The canonical path of an item: <c>/api/items/{encoded id}</c>.</summary>
    public static string PathOf(ItemId id) => "/api/items/" + Uri.EscapeDataString(id.Value);

    /// <summary>The path of the raw request target (before any decoding) split on '/', or null when unavailable.</summary>
    private static string[]? RawSegments(HttpContext context)
    {
        string? target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/') return null; // e.g. absolute-form targets
        int query = target.IndexOfAny(['?', '#']);
        string path = (query >= 0 ? target[..query] : target).TrimEnd('/');
        return path.Split('/');
    }

    /// <summary>What the server's path decoding makes of a raw segment: everything decoded except "%2F".</summary>
    private static string RoutedForm(string rawSegment) =>
        Unescape(rawSegment.Replace("%2F", "%252F", StringComparison.Ordinal).Replace("%2f", "%252f", StringComparison.Ordinal));

    private static string Unescape(string segment)
    {
        try
        {
            return Uri.UnescapeDataString(segment);
        }
        catch (UriFormatException)
        {
            return segment; // left as is: ItemId validation decides
        }
    }
}

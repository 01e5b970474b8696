using System.Text.Json.Serialization.Metadata;

namespace Lookalike.Server.Http;

/// <summary>
/// JSON of HTTP answers: the result records are shared with the CLI's <c>--json</c>, where an item's absolute
/// <c>path</c> helps the local user; over HTTP it would tell any client how the server's disk is laid out. So a
/// <c>Path</c> property holding an absolute path is left out of every answer (a client needs the id and
/// <c>/api/items/{id}/image</c>); a relative one (the file name of an uploaded query photo) stays.
/// </summary>
internal static class ServerJson
{
    public static IServiceCollection AddServerJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o =>
            o.SerializerOptions.TypeInfoResolver = (o.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(HideServerPaths));

    private static void HideServerPaths(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in type.Properties)
        {
            if (property.PropertyType != typeof(string) || !string.Equals(property.Name, "path", StringComparison.OrdinalIgnoreCase)) continue;
            property.ShouldSerialize = (_, value) => value is string path && !IsServerPath(path);
        }
    }

    private static bool IsServerPath(string path) => Path.IsPathRooted(path) || path.StartsWith('~');
}

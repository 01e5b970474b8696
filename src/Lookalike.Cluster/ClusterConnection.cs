using Lookalike.Core.Errors;
using StackExchange.Redis;

namespace Lookalike.Cluster;

/// <summary>
/// Where a cluster lives: <c>redis://HOST:PORT[/NAME]</c> — the Redis server that holds its membership and shape,
/// and the cluster's name (default <c>lookalike</c>), so several clusters can share one Redis.
/// </summary>
public sealed record ClusterConnection(string Redis, string Name)
{
    public const string DefaultName = "lookalike";

    /// <summary>
    /// The Orleans service id: grain storage (the shape, the stale marks) is keyed by it, so each cluster name gets its
    /// own — two clusters sharing one Redis must never read each other's shape. The default name keeps <c>lookalike</c>.
    /// </summary>
    public string ServiceId => Name == DefaultName ? "lookalike" : $"lookalike-{Name}";

    /// <exception cref="LookalikeException">InvalidArgument (option <c>cluster</c>) naming what is wrong.</exception>
    public static ClusterConnection Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "redis" || uri.Host.Length == 0)
            throw LookalikeException.InvalidArgument("cluster", $"--cluster must be redis://HOST:PORT[/NAME]; got '{text}'.");
        string name = uri.AbsolutePath.Trim('/');
        if (name.Length == 0) name = DefaultName;
        if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw LookalikeException.InvalidArgument("cluster", $"Cluster name '{name}' in --cluster must be letters, digits, '-' or '_'.");
        int port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
        return new ClusterConnection($"{uri.Host}:{port}", name);
    }

    /// <summary>Redis client settings: bounded connect time, and no abort so a restarted Redis is reconnected to.</summary>
    public ConfigurationOptions RedisOptions()
    {
        var options = ConfigurationOptions.Parse(Redis);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 5000;
        return options;
    }

    public override string ToString() => $"redis://{Redis}/{Name}";
}

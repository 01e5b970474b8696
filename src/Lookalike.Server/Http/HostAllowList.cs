using System.Net;
using Lookalike.Core.Errors;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Lookalike.Server.Http;

/// <summary>
/// Answers only requests whose <c>Host</c> names this server, against DNS rebinding: a page on
/// <c>rebind.evil.example</c> whose name an attacker re-points at 127.0.0.1 reaches this server with
/// <c>Host: rebind.evil.example</c> and a matching <c>Origin</c>, so to the browser it is same-origin and it could read
/// the catalog and, without an API key, write. Allowed: <c>localhost</c>; the loopback addresses; the address the
/// connection arrived on (an IP literal cannot be rebound); the host names of <c>--urls</c>; and
/// <see cref="LookalikeServerOptions.AllowedHosts"/> (<c>--allowed-hosts</c>: exact names, <c>*.example.com</c> for
/// subdomains, <c>*</c> for any — which turns the check off). Anything else: 421 problem+json, before any other
/// middleware or endpoint runs. The port is not compared (a rebinding page uses the server's own port anyway).
/// </summary>
internal sealed class HostAllowList
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase) { "localhost" };
    private readonly List<string> _suffixes = [];
    private readonly bool _any;

    /// <param name="allowedHosts">Configured names (<c>--allowed-hosts</c>).</param>
    /// <param name="urls">The addresses the server listens on (<c>--urls</c>); wildcard hosts add nothing.</param>
    public HostAllowList(IEnumerable<string> allowedHosts, IEnumerable<string> urls)
    {
        foreach (string entry in allowedHosts)
        {
            string name = entry.Trim().TrimEnd('.');
            if (name == "*") _any = true;
            else if (name.StartsWith("*.", StringComparison.Ordinal)) _suffixes.Add(name[1..]);
            else if (name.Length > 0) _names.Add(name);
        }
        foreach (string url in urls)
        {
            // http://+:80, http://*:80 and http://0.0.0.0:80 bind every interface and name no host.
            string host = url.Replace("://+", "://wildcard.invalid", StringComparison.Ordinal).Replace("://*", "://wildcard.invalid", StringComparison.Ordinal);
            if (Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Host != "wildcard.invalid" && uri.HostNameType == UriHostNameType.Dns)
                _names.Add(uri.Host);
        }
    }

    /// <summary>Names allowed besides IP literals, for messages.</summary>
    public IEnumerable<string> Names => _any ? ["*"] : _names.Concat(_suffixes.Select(s => "*" + s)).Order(StringComparer.Ordinal);

    /// <summary>Whether a request to <paramref name="host"/> (a Host header's host part, no port) arriving on <paramref name="localAddress"/> is for this server.</summary>
    public bool Allows(string host, IPAddress? localAddress)
    {
        if (_any) return true;
        string name = host.TrimEnd('.');
        if (name.StartsWith('[') && name.EndsWith(']')) name = name[1..^1];
        if (IPAddress.TryParse(name, out var ip))
            return IPAddress.IsLoopback(ip) || (localAddress is not null && Normalize(ip).Equals(Normalize(localAddress)));
        if (_names.Contains(name)) return true;
        foreach (string suffix in _suffixes)
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
}

/// <summary>Registers and adds the <see cref="HostAllowList"/> check.</summary>
internal static class HostAllowListExtensions
{
    /// <summary>Registers the list; it is built on first use, once the server listens and its addresses are known.</summary>
    public static IServiceCollection AddHostAllowList(this IServiceCollection services) =>
        services.AddSingleton(sp => new HostAllowList(
            sp.GetRequiredService<IOptions<LookalikeServerOptions>>().Value.AllowedHosts,
            sp.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []));

    /// <summary>Adds the check; place it first, so a refused request reaches nothing else.</summary>
    public static IApplicationBuilder UseHostAllowList(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var host = context.Request.Host;
        var list = context.RequestServices.GetRequiredService<HostAllowList>();
        // No Host at all (HTTP/1.0 tools) is not a browser: nothing to rebind.
        if (!host.HasValue || list.Allows(host.Host, context.Connection.LocalIpAddress))
        {
            await next();
            return;
        }
        string shown = ErrorMapping.Printable(host.Host);
        await ErrorMapping.WriteProblemAsync(context, LookalikeErrorKind.MisdirectedRequest,
            $"This server answers for {string.Join(", ", list.Names)} and its own IP addresses, not for '{shown}'. " +
            $"If that name is really this server's, start it with --allowed-hosts {shown}.",
            "Host");
    });
}

using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;

namespace Lookalike.Server.Tests.Support;

/// <summary>
/// The real app on Kestrel at a free port of 127.0.0.1, for what only a real socket shows: the client's address
/// (rate limits are per client) and real connections under load. Clients can come from any 127.x.y.z address.
/// </summary>
public sealed class KestrelApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelApp(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Builds the app as <c>lookalike serve</c> does, over <paramref name="store"/>, and starts it.</summary>
    /// <param name="args">More host arguments, after the defaults (so <c>--urls</c> here wins), e.g. <c>--Lookalike:AllowedHosts:0=shop.example</c>.</param>
    public static async Task<KestrelApp> StartAsync(string store, Action<LookalikeServerOptions>? configure = null, params string[] args)
    {
        var app = LookalikeServer.Build(
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. args],
            o =>
            {
                o.Store = store;
                configure?.Invoke(o);
            });
        await app.StartAsync();
        return new KestrelApp(app, app.Urls.Single());
    }

    /// <summary>A client whose connections come from <paramref name="localAddress"/> (a 127.x.y.z address).</summary>
    /// <param name="localAddress">The client's address as the server sees it.</param>
    /// <param name="connections">Most connections at once.</param>
    public HttpClient Client(string localAddress = "127.0.0.1", int connections = 4)
    {
        var from = IPAddress.Parse(localAddress);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

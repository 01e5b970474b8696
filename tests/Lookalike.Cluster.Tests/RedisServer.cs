using System.Net;
using System.Net.Sockets;
using Lookalike.TestKit;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// The Redis the cluster tests run against: <c>$LOOKALIKE_TEST_REDIS</c> (host:port, which <c>.ci/run</c> starts on
/// loopback) when set, else a private <c>redis-server</c> on a free loopback port, stopped on dispose. Each test
/// uses its own cluster name, so tests sharing one Redis never see each other's silos.
/// </summary>
public sealed class RedisServer : IDisposable
{
    public const string Variable = "LOOKALIKE_TEST_REDIS";

    private ChildProcess? _own;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lookalike-tests", "redis-" + Guid.NewGuid().ToString("N"));

    private readonly bool _persistent;

    /// <param name="persistent">A private server that fsyncs every write to its append-only file, so a test may kill and
    /// restart it and find the cluster's membership and shape again (the shared one keeps nothing on disk).</param>
    public RedisServer(bool persistent = false)
    {
        _persistent = persistent;
        if (!persistent && Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } shared)
        {
            Endpoint = shared;
            return;
        }
        Endpoint = $"127.0.0.1:{FreePort()}";
    }

    /// <summary>host:port of the server.</summary>
    public string Endpoint { get; }

    /// <summary>True when this fixture owns the server (so a test may restart it).</summary>
    public bool IsOwn => _persistent || Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 };

    /// <summary>Starts the private server when needed (skips the test when <c>redis-server</c> is missing); idempotent.</summary>
    public async Task EnsureStartedAsync()
    {
        if (!IsOwn || _own is { Process.HasExited: false }) return;
        Require.That(FindOnPath("redis-server") is not null, "redis-server is not installed (apt-get install redis-server), and LOOKALIKE_TEST_REDIS is not set");
        Directory.CreateDirectory(_directory);
        string port = Endpoint.Split(':')[1];
        _own?.Dispose();
        string[] durability = _persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
        _own = ChildProcess.Start("redis-server", ["--bind", "127.0.0.1", "--port", port, "--save", "", .. durability, "--dir", _directory]);
        await _own.WaitForLineAsync(l => l.Contains("Ready to accept connections", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
    }

    /// <summary>SIGKILLs the private server (a persistent one has fsynced every write).</summary>
    public void Kill()
    {
        if (!IsOwn) throw new InvalidOperationException("Only a private server may be killed.");
        _own?.Kill();
        _own?.Process.WaitForExit();
    }

    /// <summary>A fresh cluster address on this Redis: <c>redis://host:port/NAME</c>.</summary>
    public string NewCluster(string test) => $"redis://{Endpoint}/{test}-{Guid.NewGuid():N}";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _own?.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}

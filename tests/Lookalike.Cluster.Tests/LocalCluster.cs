using Lookalike.TestKit;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// Silos as real <c>lookalike silo</c> processes on loopback, each with its own ports and <c>--data</c> folder,
/// members of one cluster in <see cref="RedisServer"/>. Kill one with SIGKILL; restart it with its name and data.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly TempDirectory _data = new();
    private readonly ChildProcess?[] _silos;
    private readonly (int Silo, int Gateway)[] _ports;
    private readonly string[] _siloArguments;

    /// <param name="siloArguments">Extra arguments for every <c>lookalike silo</c> (e.g. <c>--rebuild-after 2</c>).</param>
    public LocalCluster(string connection, int silos, params string[] siloArguments)
    {
        _siloArguments = siloArguments;
        Connection = connection;
        _silos = new ChildProcess?[silos];
        _ports = Enumerable.Range(0, silos).Select(_ => (RedisServer.FreePort(), RedisServer.FreePort())).ToArray();
    }

    /// <summary><c>redis://host:port/NAME</c>.</summary>
    public string Connection { get; }

    public static string Name(int silo) => $"silo{silo + 1}";

    public string DataOf(int silo) => _data.Combine(Name(silo));

    /// <summary>Starts every silo in parallel and waits until each says it is ready.</summary>
    public Task StartAllAsync() => Task.WhenAll(Enumerable.Range(0, _silos.Length).Select(StartAsync));

    /// <summary>Starts (or restarts) silo <paramref name="silo"/> with its name, ports and data, and waits for it to be ready.</summary>
    public async Task StartAsync(int silo)
    {
        _silos[silo]?.Dispose();
        var process = ChildProcess.Lookalike([
            "silo", "--cluster", Connection, "--data", DataOf(silo), "--name", Name(silo),
            "--silo-port", _ports[silo].Silo.ToString(), "--gateway-port", _ports[silo].Gateway.ToString(), .. _siloArguments]);
        _silos[silo] = process;
        await process.WaitForLineAsync(l => l.StartsWith($"silo {Name(silo)} ready", StringComparison.Ordinal), StartTimeout);
    }

    /// <summary>SIGKILLs silo <paramref name="silo"/>.</summary>
    public void Kill(int silo) => _silos[silo]?.Kill();

    /// <summary><c>cluster init</c> with this shape; fails the test when the command does.</summary>
    public async Task InitAsync(int shards, int replicas, string model = "imported", string index = "exact")
    {
        var init = await RunAsync("cluster", "init", "--cluster", Connection, "--shards", shards.ToString(), "--replicas", replicas.ToString(), "--model", model, "--index", index);
        Xunit.Assert.True(init.ExitCode == 0, init.Output);
    }

    /// <summary><c>vectors import --cluster</c>; returns its output, failing the test when the command fails.</summary>
    public async Task<string> ImportAsync(string npy, string ids)
    {
        var import = await RunAsync("vectors", "import", npy, "--ids", ids, "--cluster", Connection);
        Xunit.Assert.True(import.ExitCode == 0, import.Output);
        return import.Output;
    }

    /// <summary>Runs a CLI verb to completion; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Output)> RunAsync(params string[] args)
    {
        using var cli = ChildProcess.Lookalike(args);
        int code = await cli.ExitAsync(TimeSpan.FromSeconds(180));
        return (code, cli.Stdout, cli.Output);
    }

    public void Dispose()
    {
        foreach (var silo in _silos) silo?.Dispose();
        _data.Dispose();
    }
}

using Lookalike.Cluster.Contracts;

namespace Lookalike.Cluster.Client;

/// <summary>
/// Calls one replica of a shard, falling back to the next when a call fails (its silo died, is leaving, or the
/// placement refused it): replicas on silos the membership table calls Active first, rotated per call so reads
/// spread over replicas. The membership view is refreshed at most every <see cref="MembershipTtl"/>, the shape (which
/// changes when replicas move off a silo gone past the grace period) at most every <see cref="ShapeTtl"/> and after a
/// round in which no replica answered.
/// </summary>
public sealed class ReplicaRouter(LookalikeClusterClient client, ClusterShape shape, TimeProvider? time = null)
{
    public static readonly TimeSpan MembershipTtl = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan ShapeTtl = TimeSpan.FromSeconds(5);

    /// <summary>How long a read waits for one replica before asking the next as well (reads are idempotent; the first
    /// answer wins). Well above a loaded shard's answer time, far below the 30 s a request to a just-killed silo waits.</summary>
    public static readonly TimeSpan HedgeAfter = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private MembershipView? _view;
    private int _turn;
    private ClusterShape _shape = shape;
    private long _shapeRead = (time ?? TimeProvider.System).GetTimestamp();

    /// <summary>The shape as last read (shards, replicas and model never change; the placement may).</summary>
    public ClusterShape Shape => Volatile.Read(ref _shape);

    /// <summary>The shape, read again when the last read is older than <see cref="ShapeTtl"/> or <paramref name="refresh"/>
    /// asks; when it cannot be read the last one is kept (a read tries its replicas anyway).</summary>
    public async Task<ClusterShape> ShapeAsync(bool refresh = false)
    {
        var last = Shape;
        if (!refresh && _time.GetElapsedTime(Interlocked.Read(ref _shapeRead)) < ShapeTtl) return last;
        try
        {
            var fresh = await client.ShapeAsync();
            Interlocked.Exchange(ref _shapeRead, _time.GetTimestamp());
            if (fresh.Version < last.Version) return last; // an older answer overtaken by a newer one
            Volatile.Write(ref _shape, fresh);
            return fresh;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return last;
        }
    }

    public LookalikeClusterClient Client => client;

    /// <summary>
    /// Silo names the membership table calls Active (cached for <see cref="MembershipTtl"/>; concurrent refreshes are
    /// harmless). When the table cannot be read (the gateway asked just died) the last view is kept — or, with none,
    /// an empty one, which leaves every replica equally likely — so a read still tries each replica.
    /// </summary>
    public async Task<IReadOnlySet<string>> ActiveSilosAsync(bool refresh = false)
    {
        var last = Volatile.Read(ref _view);
        if (!refresh && last is { } view && _time.GetUtcNow() - view.At < MembershipTtl) return view.Active;
        IReadOnlyList<SiloView> silos;
        // A forced refresh (before a write) must not fail because the management grain lived on a silo that just died
        // and Orleans has not declared it dead yet: retry over the messaging window, as reads do.
        try { silos = refresh ? await MessagingRetry.RunAsync(client.SilosAsync, _time) : await client.SilosAsync(); }
        catch (Exception e) when (!refresh && e is not OperationCanceledException)
        {
            return last?.Active ?? new HashSet<string>();
        }
        var fresh = new MembershipView(silos.Where(s => s.Status == "Active").Select(s => s.Name).ToHashSet(StringComparer.Ordinal), _time.GetUtcNow());
        Volatile.Write(ref _view, fresh);
        return fresh.Active;
    }

    /// <summary>
    /// Runs <paramref name="call"/> on one replica of <paramref name="shard"/>, trying each replica once per round (the
    /// next one also when the current one has not answered within <see cref="HedgeAfter"/>; the first answer wins). When
    /// every replica failed only on messaging (a silo just died and Orleans has not declared it dead yet, so even a
    /// live replica whose directory entry lived there is briefly unreachable), it tries again with backoff for up to
    /// <see cref="MessagingRetry.Window"/> before giving up.
    /// </summary>
    /// <exception cref="ShardUnavailableException">Every replica failed; names each and why.</exception>
    public async Task<T> ReadAsync<T>(int shard, Func<IShardReplicaGrain, Task<T>> call)
    {
        long started = _time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            var active = await ActiveSilosAsync();
            var replicas = (await ShapeAsync()).ReplicasOf(shard).ToArray();
            int start = (int)((uint)Interlocked.Increment(ref _turn) % (uint)replicas.Length);
            var order = Enumerable.Range(0, replicas.Length).Select(i => replicas[(start + i) % replicas.Length])
                .OrderBy(r => active.Contains(r.Silo) ? 0 : 1).ToArray();
            var failures = new List<(ReplicaKey Replica, Exception Error)>();
            var pending = new List<(ReplicaKey Replica, Task<T> Answer)>();
            int next = 0;
            while (pending.Count > 0 || next < order.Length)
            {
                if (pending.Count == 0) pending.Add(Ask(order[next++], call));
                // A replica that has not answered within HedgeAfter may sit on a silo that just died (its requests wait
                // out the response timeout): the next replica is asked too, and the first answer wins.
                var hedge = next < order.Length ? Task.Delay(HedgeAfter, _time) : null;
                var finished = await Task.WhenAny([.. pending.Select(p => (Task)p.Answer), .. hedge is null ? Array.Empty<Task>() : [hedge]]);
                if (finished == hedge)
                {
                    pending.Add(Ask(order[next++], call));
                    continue;
                }
                var done = pending.First(p => p.Answer == finished);
                pending.Remove(done);
                try
                {
                    var answer = await done.Answer;
                    foreach (var (_, loser) in pending) Forget(loser);
                    return answer;
                }
                catch (Exception e) when (IsReplicaFailure(e))
                {
                    failures.Add((done.Replica, e));
                }
            }
            Volatile.Write(ref _view, null); // the view was wrong; look again next time
            // The replicas may have moved (a silo gone past the grace period): then the new ones are asked at once.
            if (!(await ShapeAsync(refresh: true)).ReplicasOf(shard).SequenceEqual(replicas)) continue;
            if (!failures.All(f => MessagingRetry.IsMessagingFailure(f.Error)) || MessagingRetry.NextDelay(_time, started, ref delay) is not { } wait)
                throw new ShardUnavailableException(shard, [.. failures.Select(f => $"{f.Replica}: {f.Error.GetType().Name}: {f.Error.Message}")]);
            await Task.Delay(wait, _time);
        }
    }

    private (ReplicaKey Replica, Task<T> Answer) Ask<T>(ReplicaKey replica, Func<IShardReplicaGrain, Task<T>> call)
    {
        try { return (replica, call(client.Replica(replica))); }
        catch (Exception e) when (IsReplicaFailure(e)) { return (replica, Task.FromException<T>(e)); }
    }

    /// <summary>A hedged call that lost the race: its failure, if any, is observed and dropped.</summary>
    private static void Forget(Task task) => task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>
    /// Anything but cancellation: a dead silo, a lost connection, a timeout, or a damaged store on that replica —
    /// another replica may not have it. A caller error fails on every replica and is reported with each.
    /// </summary>
    internal static bool IsReplicaFailure(Exception e) => e is not OperationCanceledException;
}

internal sealed record MembershipView(IReadOnlySet<string> Active, DateTimeOffset At);

/// <summary>No replica of a shard answered.</summary>
public sealed class ShardUnavailableException(int shard, IReadOnlyList<string> failures)
    : Exception($"Shard {shard}: no replica answered ({string.Join("; ", failures)}).")
{
    public int Shard { get; } = shard;
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Hosting.Reliability;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using Xunit.Abstractions;

namespace Lookalike.Reliability.Tests;

/// <summary>
/// Readers and writers on one store at once, for a bounded time: zero errors, and no reader ever sees a
/// half-written batch (each batch of items is one transaction, so a snapshot holds all of a batch or none of it).
/// </summary>
public sealed class ConcurrencyTests(ITestOutputHelper output) : IDisposable
{
    private const int Dimension = 16;
    private const int BatchSize = 10;
    private static readonly ModelId Model = new("test-model");
    private readonly TempDirectory _dir = new();

    [Fact]
    public void ReadersAndWriters_RunTogether_NoErrorsAndNoHalfWrittenBatches()
    {
        string location = _dir.Combine("store");
        using (var setup = SqliteCatalogStore.Open(location, create: true)) setup.BindModel(Model, Dimension);
        // Two writers through separate store instances (separate connection pools), as two processes would be;
        // readers through a third, as `serve` would be.
        using var writerA = SqliteCatalogStore.Open(location, create: false);
        using var writerB = SqliteCatalogStore.Open(location, create: false);
        using var reader = SqliteCatalogStore.Open(location, create: false);
        var errors = new ConcurrentQueue<string>();
        var duration = TimeSpan.FromSeconds(SoakSettings.ConcurrencySeconds);
        var clock = Stopwatch.StartNew();
        long reads = 0, writes = 0, searches = 0;

        void Writer(SqliteCatalogStore store, string prefix, int seed)
        {
            var rng = new Random(seed);
            for (int batch = 0; clock.Elapsed < duration; batch++)
            {
                try
                {
                    store.Upsert(Batch(prefix, batch, rng));
                    Interlocked.Increment(ref writes);
                    // Remove an older whole batch in one transaction now and then, as `index --prune` does.
                    if (batch % 3 == 2)
                    {
                        store.Remove(Enumerable.Range(0, BatchSize).Select(i => ItemId.Parse($"{prefix}/{batch - 2}/{i}.jpg")).ToList());
                        Interlocked.Increment(ref writes);
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue($"writer {prefix}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        void Reader(int seed)
        {
            var rng = new Random(seed);
            while (clock.Elapsed < duration)
            {
                try
                {
                    var items = reader.ReadAll(withVectors: true).ToList();
                    foreach (var group in items.GroupBy(i => i.Metadata["batch"]))
                    {
                        if (group.Count() != BatchSize) errors.Enqueue($"reader saw {group.Count()} of {BatchSize} items of batch {group.Key}");
                        if (group.Select(i => i.Metadata["stamp"]).Distinct().Count() != 1) errors.Enqueue($"reader saw batch {group.Key} from two writes");
                    }
                    foreach (var item in items) CheckItem(item, errors);
                    Interlocked.Increment(ref reads);
                    // Point reads and an exact search over the snapshot, as `serve` does.
                    if (items.Count > 0)
                    {
                        var probe = items[rng.Next(items.Count)];
                        if (reader.Find(probe.Id) is { } found) CheckItem(found, errors);
                        using var index = new ExactVectorIndex(Dimension, items.Count);
                        foreach (var item in items) index.Upsert(item.Id, item.Vector.Span);
                        if (index.Search(probe.Vector.Span, new SearchRequest(5)).Count == 0) errors.Enqueue("search over a non-empty snapshot found nothing");
                        Interlocked.Increment(ref searches);
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue($"reader: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        var threads = new[]
        {
            new Thread(() => Writer(writerA, "a", 1)), new Thread(() => Writer(writerB, "b", 2)),
            new Thread(() => Reader(3)), new Thread(() => Reader(4)), new Thread(() => Reader(5)),
        };
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        output.WriteLine($"{duration.TotalSeconds:0} s: {writes} write transactions, {reads} snapshot reads, {searches} searches, {errors.Count} errors");
        Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(20)));
        Assert.True(writes > 0 && reads > 0, "the writers and readers did not overlap");
        var health = StoreVerifier.Verify(location);
        Assert.True(health.Healthy, string.Join("\n", health.Findings));
    }

    private static void CheckItem(CatalogItem item, ConcurrentQueue<string> errors)
    {
        if (item.Vector.Length != Dimension) { errors.Enqueue($"item {item.Id} has {item.Vector.Length} components"); return; }
        // Every component of an item's vector is derived from its stamp: a torn write would break the pattern.
        float expected = Component(item.Metadata["stamp"]);
        foreach (float x in item.Vector.Span)
        {
            if (x != expected) { errors.Enqueue($"item {item.Id} has a vector that is not the one written"); return; }
        }
    }

    private static List<CatalogItem> Batch(string prefix, int batch, Random rng)
    {
        string stamp = $"{prefix}-{batch}-{rng.Next()}";
        float component = Component(stamp);
        var vector = Enumerable.Repeat(component, Dimension).ToArray();
        return Enumerable.Range(0, BatchSize).Select(i => new CatalogItem
        {
            Id = ItemId.Parse($"{prefix}/{batch}/{i}.jpg"),
            Path = $"/nowhere/{prefix}/{batch}/{i}.jpg",
            ContentHash = stamp,
            SizeBytes = 1,
            ModifiedUtc = DateTimeOffset.UnixEpoch,
            Model = Model,
            Metadata = new Dictionary<string, string> { ["batch"] = $"{prefix}/{batch}", ["stamp"] = stamp },
            Vector = vector,
        }).ToList();
    }

    // Unit norm for a constant vector of Dimension components, signed by the stamp's hash.
    private static float Component(string stamp) =>
        (StableHash(stamp) % 2 == 0 ? 1f : -1f) / MathF.Sqrt(Dimension);

    private static int StableHash(string s)
    {
        int h = 17;
        foreach (char c in s) h = unchecked(h * 31 + c);
        return h & int.MaxValue;
    }

    public void Dispose() => _dir.Dispose();
}

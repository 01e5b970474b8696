using System.Diagnostics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Hosting.Reliability;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Lookalike.Reliability.Tests;

/// <summary><c>verify</c> on healthy and damaged stores, the single-writer lock, read-only stores.</summary>
public sealed class StoreFaultTests(ITestOutputHelper output) : IDisposable
{
    private const int Dimension = 8;
    private static readonly ModelId Model = new("test-model");
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Verify_HealthyStore_ExitsZero()
    {
        string store = MakeStore("healthy", 20);
        var report = StoreVerifier.Verify(store);
        Assert.True(report.Healthy, string.Join("\n", report.Findings));
        Assert.Equal(20, report.Items);
        var cli = CliProcess.Run(_dir.Path, TimeSpan.FromMinutes(2), "verify", "--store", "healthy");
        Assert.True(cli.ExitCode == 0, cli.Stdout + cli.Stderr);
        Assert.Contains("healthy", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DamagedVectorsAndModel_NamesEachProblemAndExitsTwo()
    {
        string store = MakeStore("damaged", 20);
        Sql(store, "UPDATE items SET vector_row = 999 WHERE id = 'i/3.jpg';");                      // a row past the file's end
        Sql(store, "UPDATE items SET model_id = 'other-model' WHERE id = 'i/4.jpg';");              // wrong model
        Sql(store, "UPDATE items SET dimension = 9 WHERE id = 'i/5.jpg';");                         // wrong dimension
        WriteRow(store, "i/6.jpg", Enumerable.Repeat(2f / MathF.Sqrt(Dimension), Dimension).ToArray()); // norm 2
        var report = StoreVerifier.Verify(store);
        Assert.False(report.Healthy);
        string all = string.Join("\n", report.Findings);
        output.WriteLine(all);
        Assert.Contains(report.Findings, f => f.Check == "vectors" && f.Problem.Contains("i/3.jpg", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Check == "model" && f.Problem.Contains("i/4.jpg", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Check == "dimension" && f.Problem.Contains("i/5.jpg", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Check == "norms" && f.Problem.Contains("i/6.jpg", StringComparison.Ordinal));
        Assert.All(report.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Repair)));
        var cli = CliProcess.Run(_dir.Path, TimeSpan.FromMinutes(2), "verify", "--store", "damaged");
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("repair:", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("UNHEALTHY", cli.Stdout, StringComparison.Ordinal);
    }

    public enum FileDamage { FlippedByte, Truncated, WrongMagic, Missing }

    [Theory]
    [InlineData(FileDamage.FlippedByte, "checksum")]
    [InlineData(FileDamage.Truncated, "truncated")]
    [InlineData(FileDamage.WrongMagic, "not a Lookalike vector file")]
    [InlineData(FileDamage.Missing, "missing")]
    public void Verify_DamagedVectorFile_NamesTheFileAndExitsTwo(FileDamage damage, string expected)
    {
        string store = MakeStore("damaged", 20);
        string file = Path.Combine(store, "vectors.f32");
        byte[] bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case FileDamage.FlippedByte: bytes[64 + 5 * Dimension * sizeof(float) + 2] ^= 0x01; File.WriteAllBytes(file, bytes); break; // a low mantissa bit: the norm stays ~1
            case FileDamage.Truncated: File.WriteAllBytes(file, bytes[..(bytes.Length - Dimension * sizeof(float) / 2)]); break;
            case FileDamage.WrongMagic: bytes[0] = 0; File.WriteAllBytes(file, bytes); break;
            case FileDamage.Missing: File.Delete(file); break;
        }
        var report = StoreVerifier.Verify(store);
        output.WriteLine(string.Join("\n", report.Findings));
        Assert.False(report.Healthy);
        Assert.Contains(report.Findings, f => f.Severity == VerifySeverity.Error && f.Check == "vector-file"
            && f.Problem.Contains(file, StringComparison.Ordinal) && f.Problem.Contains(expected, StringComparison.Ordinal));
        var cli = CliProcess.Run(_dir.Path, TimeSpan.FromMinutes(2), "verify", "--store", "damaged");
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("vectors.f32", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TailOfAnInterruptedAppend_IsANote()
    {
        string store = MakeStore("torn", 20);
        using (var stream = new FileStream(Path.Combine(store, "vectors.f32"), FileMode.Append)) stream.Write(new byte[Dimension * sizeof(float) + 3]);
        var report = StoreVerifier.Verify(store);
        Assert.True(report.Healthy, string.Join("\n", report.Findings));
        Assert.Contains(report.Findings, f => f.Severity == VerifySeverity.Note && f.Check == "vector-file" && f.Problem.Contains("interrupted append", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_CorruptDatabasePages_ReportsIntegrityFailure()
    {
        string store = MakeStore("corrupt", 300);
        string db = Path.Combine(store, "catalog.db");
        Sql(store, "PRAGMA wal_checkpoint(TRUNCATE);");
        SqliteConnection.ClearAllPools();
        var bytes = File.ReadAllBytes(db);
        var rng = new Random(5);
        // Garbage over the middle pages (leaving the header page intact so it still opens as SQLite).
        for (int i = 0; i < 6000; i++) bytes[4096 + rng.Next(bytes.Length - 4096)] = (byte)rng.Next(256);
        File.WriteAllBytes(db, bytes);
        var report = StoreVerifier.Verify(store);
        output.WriteLine(string.Join("\n", report.Findings.Take(5)));
        Assert.False(report.Healthy);
        // Whatever else it notices, verify must say that SQLite's own integrity check failed.
        Assert.Contains(report.Findings, f => f.Check == "sqlite");
    }

    [Fact]
    public void Verify_IndexCacheStampAhead_IsAnError_StaleIsANote()
    {
        string store = MakeStore("cache", 5);
        long generation = StoreVerifier.Verify(store).Generation;
        Directory.CreateDirectory(Path.Combine(store, "index"));
        string header = Path.Combine(store, "index", "hnsw.header.json");
        string Header(long g) => $$"""{"format_version":1,"model_id":"{{Model.Value}}","dimension":{{Dimension}},"metric":"ip","spec":"hnsw","store_generation":{{g}},"count":5,"graph_sha256":"","ids_sha256":""}""";
        File.WriteAllText(header, Header(generation - 1));
        var stale = StoreVerifier.Verify(store);
        Assert.True(stale.Healthy);
        Assert.Contains(stale.Findings, f => f.Check == "index-cache" && f.Severity == VerifySeverity.Note && f.Problem.Contains("stale", StringComparison.Ordinal));
        File.WriteAllText(header, Header(generation + 10));
        var ahead = StoreVerifier.Verify(store);
        Assert.False(ahead.Healthy);
        Assert.Contains(ahead.Findings, f => f.Check == "index-cache" && f.Repair.Contains("delete", StringComparison.Ordinal));
    }

    [Fact]
    public void Index_WhileAnotherWriterHoldsTheStore_FailsNamingItsPid()
    {
        string store = _dir.Combine("locked");
        _dir.CopySamples(2, "photos");
        using (StoreWriterLock.Acquire(store))
        {
            var clock = Stopwatch.StartNew();
            var cli = CliProcess.Run(_dir.Path, TimeSpan.FromMinutes(2), "index", "photos", "--store", "locked");
            Assert.Equal(2, cli.ExitCode);
            Assert.Contains($"store is locked by PID {Environment.ProcessId}", cli.Stderr, StringComparison.Ordinal);
            output.WriteLine($"{cli.Stderr.Trim()} ({clock.Elapsed.TotalSeconds:0.0} s)");
            // In-process too: the lock is exclusive.
            var e = Assert.Throws<LookalikeException>(() => StoreWriterLock.Acquire(store));
            Assert.Equal(LookalikeErrorKind.StoreUnavailable, e.Kind);
        }
        using (StoreWriterLock.Acquire(store)) { } // released on dispose
    }

    [SkippableFact]
    public void ReadOnlyStore_QueriesWork_WritesFailClearly()
    {
        using var mount = TmpfsMount.Create(_dir.Combine("ro"));
        string store = Path.Combine(mount.Path, "store");
        MakeStoreAt(store, 10);
        SqliteConnection.ClearAllPools();
        mount.MakeReadOnly();
        using var catalog = SqliteCatalogStore.Open(store, create: false);
        Assert.Equal(10, catalog.ReadAll(withVectors: true).Count());
        Assert.NotNull(catalog.Find(ItemId.Parse("i/1.jpg")));
        var e = Assert.Throws<LookalikeException>(() => catalog.Remove([ItemId.Parse("i/1.jpg")]));
        Assert.Equal(LookalikeErrorKind.StoreUnavailable, e.Kind);
        output.WriteLine(e.Message);
        Assert.Contains("Cannot write store", e.Message, StringComparison.Ordinal);
        Assert.True(StoreVerifier.Verify(store).Healthy); // verify opens read-only media too
    }

    private string MakeStore(string name, int count)
    {
        string location = _dir.Combine(name);
        MakeStoreAt(location, count);
        return location;
    }

    private static void MakeStoreAt(string location, int count)
    {
        using var store = SqliteCatalogStore.Open(location, create: true);
        store.BindModel(Model, Dimension);
        var rng = new Random(count);
        store.Upsert(Enumerable.Range(0, count).Select(i =>
        {
            var v = Enumerable.Range(0, Dimension).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            float norm = MathF.Sqrt(v.Sum(x => x * x));
            for (int j = 0; j < v.Length; j++) v[j] /= norm;
            return new CatalogItem
            {
                Id = ItemId.Parse($"i/{i}.jpg"), Path = $"/x/i/{i}.jpg", ContentHash = $"h{i}", SizeBytes = 1,
                ModifiedUtc = DateTimeOffset.UnixEpoch, Model = Model, Vector = v,
                Metadata = new Dictionary<string, string> { ["padding"] = new string('x', 200) },
            };
        }).ToList());
    }

    private static SqliteConnection Open(string store)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(store, "catalog.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Sql(string store, string sql)
    {
        using var connection = Open(store);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Overwrites an item's row in the vector file in place (what a disk or a stray writer might do).</summary>
    private static void WriteRow(string store, string id, float[] vector)
    {
        long row;
        using (var connection = Open(store))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT vector_row FROM items WHERE id = $id;";
            command.Parameters.AddWithValue("$id", id);
            row = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        using var file = new FileStream(Path.Combine(store, "vectors.f32"), FileMode.Open, FileAccess.Write);
        file.Position = 64 + row * Dimension * sizeof(float);
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}

using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Vectors;

namespace Lookalike.Hosting.Catalog;

/// <summary>
/// Brings embeddings computed elsewhere into a store (the mirror of <c>export</c>): an N×D float32 <c>.npy</c> plus one
/// id a line. Vectors are L2-normalised; the store's model becomes <c>{name}@{8 hex}</c> so vectors from another
/// source or dimension are never mixed in. Items imported this way have no image file.
/// </summary>
public static class VectorImporter
{
    private const int Batch = 10_000;

    /// <summary>The model id vectors from <paramref name="name"/> of <paramref name="dimension"/> get.</summary>
    public static ModelId ModelFor(string name, int dimension)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw LookalikeException.InvalidArgument("model-name", $"Model name '{name}' must be letters, digits, '-', '_' or '.'.");
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"lookalike-imported/1|{name}|{dimension}"));
        return new ModelId($"{name}@{Convert.ToHexStringLower(hash.AsSpan(0, 4))}");
    }

    /// <returns>Rows imported.</returns>
    public static int Import(ICatalogStore store, string npyPath, string idsPath, string modelName, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        int done = 0;
        foreach (var batch in ReadItems(npyPath, idsPath, modelName, (model, dimension, _) => store.BindModel(model, dimension)))
        {
            store.Upsert(batch.Items);
            done += batch.Items.Count;
            progress?.Report((done, batch.Total));
        }
        return done;
    }

    /// <summary>
    /// The file's rows as items, in batches of up to 10,000, checked and normalised as <see cref="Import"/> stores them;
    /// <paramref name="onHeader"/> (model, dimension, rows) runs once before the first batch. A cluster routes the
    /// batches to its shards; <see cref="Import"/> writes them to one store.
    /// </summary>
    /// <exception cref="LookalikeException">NotFound (a file), InvalidArgument (naming the file, row or line).</exception>
    public static IEnumerable<(IReadOnlyList<CatalogItem> Items, int Total)> ReadItems(string npyPath, string idsPath, string modelName, Action<ModelId, int, int>? onHeader = null)
    {
        if (!File.Exists(npyPath)) throw LookalikeException.NotFound(npyPath, $"Vectors file not found: {npyPath}");
        if (!File.Exists(idsPath)) throw LookalikeException.NotFound(idsPath, $"Ids file not found: {idsPath}");
        var ids = ReadIds(idsPath);
        using var stream = new FileStream(npyPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var (rows, dimension) = NpyFormat.ReadHeader(stream, npyPath);
        if (rows != ids.Count)
            throw LookalikeException.InvalidArgument(idsPath, $"{idsPath} has {ids.Count} ids but {npyPath} has {rows} rows.");
        var model = ModelFor(modelName, dimension);
        onHeader?.Invoke(model, dimension, rows);
        var buffer = new float[Batch * dimension];
        var now = DateTimeOffset.UtcNow;
        for (int start = 0; start < rows; start += Batch)
        {
            int count = Math.Min(Batch, rows - start);
            NpyFormat.ReadRows(stream, npyPath, buffer.AsSpan(0, count * dimension));
            var items = new List<CatalogItem>(count);
            for (int i = 0; i < count; i++)
            {
                var vector = buffer.AsSpan(i * dimension, dimension).ToArray();
                float norm = VectorMath.Norm(vector);
                // Already-unit vectors (e.g. from export) are kept bit for bit; others are normalised.
                if (!float.IsFinite(norm) || norm == 0 || (MathF.Abs(norm - 1f) > 1e-5f && !VectorMath.Normalize(vector)))
                    throw LookalikeException.InvalidArgument(npyPath, $"{npyPath}, row {start + i} ('{ids[start + i]}'): vector is zero or not finite.");
                items.Add(VectorItem(ids[start + i], vector, model, now));
            }
            yield return (items, rows);
        }
    }

    /// <summary>Writes seeded clustered synthetic vectors (ids <c>synthetic/0000000</c>…) into a store, for benchmarks.</summary>
    public static int Synthesize(ICatalogStore store, int count, int dimension, int clusters, int seed, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var model = ModelFor("synthetic", dimension);
        store.BindModel(model, dimension);
        var generator = new SyntheticVectors(dimension, clusters, seed: seed);
        var now = DateTimeOffset.UtcNow;
        for (int start = 0; start < count; start += Batch)
        {
            int n = Math.Min(Batch, count - start);
            var data = generator.Generate(n, stream: start / Batch);
            var items = new List<CatalogItem>(n);
            for (int i = 0; i < n; i++)
            {
                var vector = data.AsSpan(i * dimension, dimension).ToArray();
                items.Add(VectorItem(ItemId.Parse($"synthetic/{start + i:D7}"), vector, model, now));
            }
            store.Upsert(items);
            progress?.Report((start + n, count));
        }
        return count;
    }

    /// <summary>An item that is only a vector: no image file; its "content hash" is the vector's.</summary>
    private static CatalogItem VectorItem(ItemId id, float[] vector, ModelId model, DateTimeOffset now) => new()
    {
        Id = id,
        Path = "",
        ContentHash = "vector:" + Core.Catalog.ContentHash.Of(MemoryMarshal.AsBytes(vector.AsSpan())),
        SizeBytes = 0,
        ModifiedUtc = now,
        Model = model,
        Vector = vector,
    };

    private static List<ItemId> ReadIds(string idsPath)
    {
        var ids = new List<ItemId>();
        var seen = new HashSet<ItemId>();
        int line = 0;
        foreach (string raw in File.ReadLines(idsPath))
        {
            line++;
            string text = raw.TrimEnd('\r');
            if (!ItemId.TryParse(text, out var id))
                throw LookalikeException.InvalidArgument(idsPath, $"{idsPath}, line {line}: '{text}' is not a valid item id (relative path, no '..').");
            if (!seen.Add(id)) throw LookalikeException.InvalidArgument(idsPath, $"{idsPath}, line {line}: id '{text}' appears twice.");
            ids.Add(id);
        }
        return ids;
    }
}

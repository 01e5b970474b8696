using System.Security.Cryptography;
using System.Text.Json;
using Lookalike.Core.Catalog;

namespace Lookalike.Search.USearch;

/// <summary>
/// The HNSW graph persisted beside the store as a derived cache (<c>&lt;store&gt;/index/</c>): <c>hnsw.usearch</c> (the
/// native graph), <c>hnsw.keys.bin</c> (key ↔ item id, <see cref="HnswKeyFile"/>) and <c>hnsw.header.json</c>, a
/// self-describing header with the format version, model id, learned projection, dimension, metric, spec, store
/// generation and the SHA-256 of the other two files. A current cache is opened in place: both files memory-mapped,
/// no id decoded until a search returns it. Format 1 (ids in a text file parsed whole at open) is rebuilt, never read.
/// Anything that does not match is reported as a reason and the caller rebuilds from SQLite: never a wrong answer.
/// The checksums are recomputed on open only when a file's length or modification time differs from what the header
/// recorded at save (a file rewritten since); otherwise opening reads neither file whole, so it costs the same at any
/// size. <c>lookalike verify</c> checks the checksums every time (<see cref="Inspect"/>).
/// </summary>
public static class HnswIndexCache
{
    /// <summary>2: ids in the binary key file read in place (1: <c>hnsw.ids.tsv</c>, parsed into dictionaries at open).</summary>
    public const int FormatVersion = 2;
    public const string Metric = "ip";

    public sealed record Header
    {
        public required int FormatVersion { get; init; }
        public required string ModelId { get; init; }
        public required int Dimension { get; init; }
        public required string Metric { get; init; }
        public required string Spec { get; init; }
        public required long StoreGeneration { get; init; }
        public required int Count { get; init; }
        public required string GraphSha256 { get; init; }
        public required string IdsSha256 { get; init; }
        /// <summary>The learned projection the vectors went through (<c>StoredProjection.Key</c>); null: raw vectors.</summary>
        public string? Projection { get; init; }
        /// <summary>Length and modification time of each file when saved (null in caches written before them: checked by checksum).</summary>
        public FileStamp? GraphStamp { get; init; }
        public FileStamp? IdsStamp { get; init; }
        /// <summary>How the spec's ef was chosen, when <c>auto</c> measured it; null: ef as given.</summary>
        public Calibration? Calibration { get; init; }
    }

    /// <summary>The ef chosen for a recall@10 target and the recall measured with it, over a sample of the store's items against the exact answer.</summary>
    public sealed record Calibration(double Target, double Recall, int Ef, int Queries);

    /// <summary>A file's length and last write time (UTC ticks): unchanged means not rewritten since the checksum was taken.</summary>
    public sealed record FileStamp(long Length, long WriteTicks)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks);
        }
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Folder(string storeLocation) => Path.Combine(storeLocation, "index");

    private static string GraphPath(string folder) => Path.Combine(folder, "hnsw.usearch");

    private static string IdsPath(string folder) => Path.Combine(folder, "hnsw.keys.bin");

    /// <summary>The id map of format 1, deleted when a newer cache is saved.</summary>
    private static string FormatOneIdsPath(string folder) => Path.Combine(folder, "hnsw.ids.tsv");

    private static string HeaderPath(string folder) => Path.Combine(folder, "hnsw.header.json");

    /// <summary>Writes the cache; files are written to temporaries and renamed, the header last, so a crash leaves no valid-looking half.</summary>
    /// <param name="calibration">How the index's ef was measured; kept only while the index still searches with that ef.</param>
    public static void Save(string storeLocation, HnswVectorIndex index, ModelId model, long generation, string? projection, Calibration? calibration = null)
    {
        string folder = Folder(storeLocation);
        Directory.CreateDirectory(folder);
        File.Delete(HeaderPath(folder)); // invalidate first
        string graphTemp = GraphPath(folder) + ".tmp", idsTemp = IdsPath(folder) + ".tmp";
        index.SaveNative(graphTemp);
        int count = index.SaveKeys(idsTemp);
        File.Move(graphTemp, GraphPath(folder), overwrite: true);
        File.Move(idsTemp, IdsPath(folder), overwrite: true);
        File.Delete(FormatOneIdsPath(folder));
        var header = new Header
        {
            FormatVersion = FormatVersion,
            ModelId = model.Value,
            Dimension = index.Dimension,
            Metric = Metric,
            Spec = index.Spec,
            StoreGeneration = generation,
            Count = count,
            GraphSha256 = Sha256(GraphPath(folder)),
            IdsSha256 = Sha256(IdsPath(folder)),
            Projection = projection,
            GraphStamp = FileStamp.Of(GraphPath(folder)),
            IdsStamp = FileStamp.Of(IdsPath(folder)),
            Calibration = calibration?.Ef == index.IndexSpec.EfSearch ? calibration : null,
        };
        string headerTemp = HeaderPath(folder) + ".tmp";
        File.WriteAllText(headerTemp, JsonSerializer.Serialize(header, Json));
        File.Move(headerTemp, HeaderPath(folder), overwrite: true);
    }

    /// <summary>The spec the cache beside a store was built with, or null when there is no readable cache header.</summary>
    public static Core.Search.IndexSpec? CachedSpec(string storeLocation)
    {
        try
        {
            string path = HeaderPath(Folder(storeLocation));
            if (!File.Exists(path)) return null;
            var header = JsonSerializer.Deserialize<Header>(File.ReadAllText(path), Json);
            return header is null ? null : Core.Search.IndexSpec.Parse(header.Spec);
        }
        catch (Exception e) when (e is JsonException or IOException or Core.Errors.LookalikeException)
        {
            return null; // TryLoad reports what is wrong with it
        }
    }

    /// <summary>
    /// Opens the cache into <paramref name="index"/>: memory-mapped when it was saved at <paramref name="storeGeneration"/>
    /// (nothing to refresh, so nothing to write), else read into memory. Returns null on success, else why it cannot be used.
    /// </summary>
    public static string? TryLoad(string storeLocation, HnswVectorIndex index, ModelId model, string? projection, out Header? header, long? storeGeneration = null)
    {
        header = null;
        string folder = Folder(storeLocation);
        if (!File.Exists(HeaderPath(folder))) return "no index cache yet";
        try
        {
            header = JsonSerializer.Deserialize<Header>(File.ReadAllText(HeaderPath(folder)), Json);
        }
        catch (JsonException e)
        {
            return $"index cache header is damaged ({e.Message})";
        }
        if (header is null) return "index cache header is empty";
        if (header.FormatVersion != FormatVersion) return $"index cache format {header.FormatVersion}, this build writes {FormatVersion}";
        if (header.ModelId != model.Value) return $"index cache was built for model {header.ModelId}, the store holds {model}";
        if (header.Projection != projection)
            return $"index cache was built {(header.Projection is null ? "on raw vectors" : $"through learned projection {header.Projection}")}, the store {(projection is null ? "searches raw vectors" : $"uses learned projection {projection}")}";
        if (header.Dimension != index.Dimension) return $"index cache dimension {header.Dimension} differs from the store's {index.Dimension}";
        if (header.Metric != Metric) return $"index cache metric {header.Metric} is not {Metric}";
        if (!IndexSpecMatches(header.Spec, index)) return $"index cache was built as {header.Spec}, asked for {index.Spec}";
        if (!File.Exists(GraphPath(folder)) || !File.Exists(IdsPath(folder))) return "index cache files are missing";
        // Unchanged length and write time since save: trusted. Otherwise (copied, restored, touched, or an older header)
        // the checksum decides, and a file that passes is stamped anew, so a copied store hashes its graph once, not on every open.
        var graphStamp = FileStamp.Of(GraphPath(folder));
        var idsStamp = FileStamp.Of(IdsPath(folder));
        bool hashGraph = header.GraphStamp != graphStamp, hashIds = header.IdsStamp != idsStamp;
        if ((hashGraph && Sha256(GraphPath(folder)) != header.GraphSha256) || (hashIds && Sha256(IdsPath(folder)) != header.IdsSha256))
            return "index cache files are corrupt (checksum mismatch)";
        if (hashGraph || hashIds)
        {
            header = header with { GraphStamp = graphStamp, IdsStamp = idsStamp };
            Restamp(folder, header);
        }
        try
        {
            if (header.StoreGeneration == storeGeneration) index.ViewNative(GraphPath(folder), IdsPath(folder));
            else index.LoadNative(GraphPath(folder), IdsPath(folder));
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException)
        {
            return $"index cache cannot be loaded ({e.Message})";
        }
        if (index.Count != header.Count) return $"index cache holds {index.Count:N0} items, its header says {header.Count:N0}";
        return null;
    }

    private static bool IndexSpecMatches(string cachedSpec, HnswVectorIndex index)
    {
        try
        {
            return Core.Search.IndexSpec.Parse(cachedSpec).GraphKey == index.IndexSpec.GraphKey;
        }
        catch (Core.Errors.LookalikeException)
        {
            return false;
        }
    }

    /// <summary>
    /// Rewrites the header with the stamps of files whose checksums just passed, if neither file changed meanwhile; a
    /// store that cannot be written keeps hashing on open.
    /// </summary>
    private static void Restamp(string folder, Header header)
    {
        string temporary = $"{HeaderPath(folder)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporary, JsonSerializer.Serialize(header, Json));
            if (FileStamp.Of(GraphPath(folder)) == header.GraphStamp && FileStamp.Of(IdsPath(folder)) == header.IdsStamp)
                File.Move(temporary, HeaderPath(folder), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // read-only store: the checksums are taken again on the next open
        }
        finally
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // nothing was written
            }
        }
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// The cache checked against the store and its checksums (for <c>lookalike verify</c>): a stale cache is a note, since it
    /// is rebuilt on the next load; a file that no longer matches its checksum is an error, since opening trusts an
    /// unchanged length and write time and would not notice.
    /// </summary>
    public static IReadOnlyList<VerifyFinding> Inspect(string location, string? model, int dimension, long generation)
    {
        var findings = new List<VerifyFinding>();
        string folder = Folder(location);
        string header = Path.Combine(folder, "hnsw.header.json");
        string repair = $"none needed: the cache is rebuilt on the next load; to drop it now, delete {folder}";
        if (!File.Exists(header))
        {
            if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "hnsw.*").Any())
                findings.Add(new(VerifySeverity.Note, "index-cache", "index cache files without a header (an interrupted save)", repair));
            return findings;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(header));
            var root = document.RootElement;
            int format = root.GetProperty("format_version").GetInt32();
            string? cacheModel = root.GetProperty("model_id").GetString();
            int cacheDimension = root.GetProperty("dimension").GetInt32();
            long cacheGeneration = root.GetProperty("store_generation").GetInt64();
            if (format != FormatVersion)
                findings.Add(new(VerifySeverity.Note, "index-cache", $"index cache format {format}, this build reads {FormatVersion}", repair));
            if (cacheModel != model)
                findings.Add(new(VerifySeverity.Error, "index-cache", $"index cache was built for model '{cacheModel}', the store holds '{model}'", $"delete {folder}; it is rebuilt on the next load"));
            if (dimension > 0 && cacheDimension != dimension)
                findings.Add(new(VerifySeverity.Error, "index-cache", $"index cache dimension {cacheDimension}, the store's {dimension}", $"delete {folder}; it is rebuilt on the next load"));
            if (cacheGeneration > generation)
                findings.Add(new(VerifySeverity.Error, "index-cache", $"index cache stamp (generation {cacheGeneration}) is newer than the store ({generation}): the store was replaced or rolled back", $"delete {folder}; it is rebuilt on the next load"));
            else if (cacheGeneration < generation)
                findings.Add(new(VerifySeverity.Note, "index-cache", $"index cache is stale (generation {cacheGeneration}, store {generation})", repair));
            // Opening trusts an unchanged length and write time; verify reads both files whole.
            foreach (var (path, property) in new[] { (GraphPath(folder), "graph_sha256"), (IdsPath(folder), "ids_sha256") })
            {
                if (!File.Exists(path))
                    findings.Add(new(VerifySeverity.Note, "index-cache", $"index cache file {path} is missing", repair));
                else if (Sha256(path) != root.GetProperty(property).GetString())
                    findings.Add(new(VerifySeverity.Error, "index-cache", $"index cache file {path} does not match its checksum (damaged on disk)", $"delete {folder}; it is rebuilt on the next load"));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            findings.Add(new(VerifySeverity.Note, "index-cache", $"index cache header is unreadable ({e.Message})", repair));
        }
        return findings;
    }
}

using System.Security.Cryptography;
using Lookalike.Cluster.Contracts;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Hosting;

namespace Lookalike.Cluster.Silo;

/// <summary>
/// This silo's one model session per model name (loaded on the first photo) and a decoder: what its replicas embed
/// the photos of <c>index --cluster</c> with. One batch at a time per silo, off the grain scheduler, so indexing
/// never starves the silo's searches of their threads more than one batch does.
/// </summary>
public sealed class SiloEmbedder : IDisposable
{
    private readonly Dictionary<string, IImageEmbedder> _embedders = new(StringComparer.Ordinal);
    private readonly IImageDecoder _decoder = LookalikeComponents.CreateDecoder();
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Reads, fingerprints, decodes and embeds <paramref name="work"/> with <paramref name="model"/>; a photo that fails is reported, not thrown.</summary>
    public async Task<IndexOutcome> EmbedAsync(string model, IndexWork[] work)
    {
        await _one.WaitAsync();
        try
        {
            return await Task.Run(() => Embed(model, work));
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose()
    {
        foreach (var embedder in _embedders.Values) embedder.Dispose();
        _one.Dispose();
    }

    private IndexOutcome Embed(string model, IndexWork[] work)
    {
        if (!_embedders.TryGetValue(model, out var embedder)) _embedders[model] = embedder = LookalikeComponents.CreateEmbedder(model);
        var decoded = new List<(IndexWork Work, FileInfo File, string Hash, DecodedImage Image)>();
        var failures = new List<IndexFailure>();
        foreach (var item in work)
        {
            try
            {
                var file = new FileInfo(item.Path);
                if (!file.Exists) throw LookalikeException.NotFound(item.Path, $"No file {item.Path} on silo {Environment.MachineName}.");
                byte[] bytes = File.ReadAllBytes(file.FullName);
                decoded.Add((item, file, Convert.ToHexStringLower(SHA256.HashData(bytes)), _decoder.Decode(bytes, file.FullName, embedder.Target)));
            }
            catch (Exception e) when (e is LookalikeException or IOException or UnauthorizedAccessException)
            {
                failures.Add(new IndexFailure { Path = item.Path, Kind = e is LookalikeException l ? l.Kind.ToString() : "ImageUnreadable", Message = e.Message });
            }
        }
        var vectors = new float[decoded.Count * embedder.Dimension];
        for (int start = 0; start < decoded.Count; start += embedder.BatchSize)
        {
            int count = Math.Min(embedder.BatchSize, decoded.Count - start);
            embedder.EmbedBatch([.. decoded.Skip(start).Take(count).Select(d => d.Image)], vectors.AsSpan(start * embedder.Dimension, count * embedder.Dimension));
        }
        var items = decoded.Select((d, i) => new ShardItem
        {
            Id = d.Work.Id,
            Path = d.File.FullName,
            ContentHash = d.Hash,
            SizeBytes = d.File.Length,
            // Millisecond precision is what a store keeps.
            ModifiedUtc = DateTimeOffset.FromUnixTimeMilliseconds(new DateTimeOffset(d.File.LastWriteTimeUtc).ToUnixTimeMilliseconds()),
            Metadata = d.Work.Metadata,
            Model = embedder.Model.Value,
            Vector = vectors.AsSpan(i * embedder.Dimension, embedder.Dimension).ToArray(),
        }).ToArray();
        return new IndexOutcome { Items = items, Failures = [.. failures] };
    }
}

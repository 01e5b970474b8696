using System.Security.Cryptography;
using System.Text;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Vectors;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// The store's rows mapped through a learned space, kept beside the store as a vector file of their own
/// (<c>learned-&lt;hash of the key&gt;.&lt;vector file name&gt;</c>, the vector file format): row i holds raw row i mapped. Raw rows
/// are never rewritten and a vector file name is never reused, so a file named for the current vector file and the same
/// key holds the right rows for as many rows as it counts; opening maps only the rows counted since, rewrites the file
/// with them, and removes the files of other keys or of superseded vector files. A derived cache: written to a temporary
/// file, flushed, then renamed over, so readers see the old file or the new; a file that fails its checks is rebuilt.
/// </summary>
internal static class MappedSpaceFile
{
    private const string Prefix = "learned-";

    /// <summary>Rows handed to the map at a time.</summary>
    private const int Block = 4096;

    /// <summary>
    /// <paramref name="raw"/>'s rows in the mapped space, from the file when it has them, with <paramref name="raw"/>'s
    /// ids; null when the file cannot be written (the caller maps in memory). Takes ownership of <paramref name="raw"/>.
    /// </summary>
    public static StoredVectors? Open(string directory, StoredVectors raw, string key, int dimension, VectorRowMap map)
    {
        var rows = (MappedVectors)raw.Rows;
        string name = $"{Prefix}{Hash(key)}.{Path.GetFileName(rows.Path)}";
        string path = Path.Combine(directory, name);
        long count = rows.Count;
        try
        {
            var mapped = TryReuse(path, dimension, rows, map) ?? (TryWrite(path, dimension, rows, map) ? TryOpen(path, dimension) : null);
            if (mapped is null)
            {
                raw.Dispose();
                return null;
            }
            RemoveOthers(directory, name);
            rows.Dispose(); // the ids go on with the mapped rows
            return new StoredVectors(new FirstRows(mapped, count), raw.Ids, raw.Generation);
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    /// <summary>The file just written, or null when another open removed it since (one for another key).</summary>
    private static MappedVectors? TryOpen(string path, int dimension)
    {
        try
        {
            return MappedVectors.Open(path, dimension);
        }
        catch (LookalikeException)
        {
            return null;
        }
    }

    /// <summary>The file as it is when it counts every raw row; rewritten with the rows it lacks when it counts fewer; null when absent or damaged.</summary>
    private static MappedVectors? TryReuse(string path, int dimension, MappedVectors raw, VectorRowMap map)
    {
        if (!File.Exists(path)) return null;
        MappedVectors? existing = null;
        try
        {
            existing = MappedVectors.Open(path, dimension);
            if (existing.Count > 0 && raw.Count > 0 && !SameFirstRow(existing, raw, map))
            {
                existing.Dispose();
                return null;
            }
            if (existing.Count >= raw.Count) return existing;
            bool written = TryWrite(path, dimension, raw, map, existing);
            existing.Dispose();
            return written ? TryOpen(path, dimension) : null;
        }
        catch (LookalikeException)
        {
            existing?.Dispose();
            return null;
        }
    }

    /// <summary>A spot check that the file belongs to these raw rows: the first row mapped again matches it.</summary>
    private static bool SameFirstRow(MappedVectors existing, MappedVectors raw, VectorRowMap map)
    {
        var again = new float[existing.Dimension];
        map(raw.Rows(0, 1), 1, again);
        var stored = existing.Rows(0, 1);
        for (int i = 0; i < again.Length; i++)
            if (!(Math.Abs(again[i] - stored[i]) <= 1e-4f)) return false;
        return true;
    }

    /// <summary>Writes every raw row mapped (the first ones copied from <paramref name="reuse"/>) and renames it into place; false when the folder cannot be written.</summary>
    private static bool TryWrite(string path, int dimension, MappedVectors raw, VectorRowMap map, MappedVectors? reuse = null)
    {
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var appender = VectorAppender.Open(temporary, dimension, unreferenced: true))
            {
                long kept = Math.Min(reuse?.Count ?? 0, raw.Count);
                for (long first = 0; first < kept; first += Block)
                    appender.Append(reuse!.Rows(first, (int)Math.Min(Block, kept - first)));
                var buffer = new float[Block * dimension];
                for (long first = kept; first < raw.Count; first += Block)
                {
                    int count = (int)Math.Min(Block, raw.Count - first);
                    map(raw.Rows(first, count), count, buffer.AsSpan(0, count * dimension));
                    appender.Append(buffer.AsSpan(0, count * dimension));
                }
                appender.Commit();
            }
            File.Move(temporary, path, overwrite: true);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LookalikeException { Kind: LookalikeErrorKind.StoreUnavailable })
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Left behind: the next write of this file replaces nothing of it, and RemoveOthers removes it.
            }
            return false;
        }
    }

    /// <summary>Every such file: the store's learned space changed or was dropped. A reader that mapped one keeps its rows.</summary>
    public static void RemoveAll(string directory) => RemoveOthers(directory, keep: null);

    /// <summary>Files of other keys or of superseded vector files, and their temporary files; a reader that mapped one keeps its rows.</summary>
    private static void RemoveOthers(string directory, string? keep)
    {
        if (!Directory.Exists(directory)) return;
        foreach (string path in Directory.EnumerateFiles(directory, Prefix + "*"))
        {
            string name = Path.GetFileName(path);
            if (keep is not null && (name == keep || name.StartsWith(keep + ".", StringComparison.Ordinal))) continue; // ours, or another open writing it now
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Removed by a later open.
            }
        }
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];

    /// <summary>The first rows of a mapped file that may count more (written by another process for a later snapshot).</summary>
    private sealed class FirstRows(MappedVectors rows, long count) : IVectorRows
    {
        public int Dimension => rows.Dimension;

        public long Count => count;

        public ReadOnlySpan<float> Rows(long first, int count1)
        {
            if (first < 0 || first + count1 > count) throw new ArgumentOutOfRangeException(nameof(first), $"Rows {first}..{first + count1} are past the {count} of this snapshot.");
            return rows.Rows(first, count1);
        }

        public void Dispose() => rows.Dispose();
    }
}

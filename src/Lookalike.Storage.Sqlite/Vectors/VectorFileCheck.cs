using System.Globalization;
using Lookalike.Core.Errors;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>One problem <see cref="VectorFileCheck"/> found; an error makes the store unhealthy, a note does not.</summary>
/// <param name="Check">Which check: <c>vector-file</c> (the file itself), <c>vectors</c> (an item's row), <c>norms</c>.</param>
public sealed record VectorFileFinding(bool IsError, string Check, string Problem);

/// <summary>
/// <c>lookalike verify</c>'s look at a store's vector file: the header (magic, format, dtype, dimension, its own
/// checksum), the length against the counted rows (a torn or truncated file), the data checksum over every counted row,
/// and each item's row: inside the file, not shared with another item, finite and unit-length. Reads only.
/// </summary>
public static class VectorFileCheck
{
    /// <summary>Rows checksummed per step (the span of one step must stay under 2 GiB).</summary>
    private const int ChecksumRows = 16_384;

    /// <param name="location">The store folder.</param>
    /// <param name="fileName">The store's current vector file (<c>vectors.f32</c>, or <c>vectors.N.f32</c> after a compaction).</param>
    /// <param name="dimension">The store's dimension (0 when unbound).</param>
    /// <param name="rows">Every item with the row its vector is in.</param>
    /// <param name="normTolerance">How far a vector's L2 norm may be from 1.</param>
    /// <param name="perCheck">At most this many item findings per check are listed; the rest are counted.</param>
    public static IReadOnlyList<VectorFileFinding> Check(string location, string fileName, int dimension, IReadOnlyList<(string Id, long Row)> rows, double normTolerance, int perCheck)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var findings = new List<VectorFileFinding>();
        string path = Path.Combine(location, fileName);
        foreach (string other in StoreFiles.VectorFiles(location).Where(p => Path.GetFileName(p) != fileName).Order(StringComparer.Ordinal))
            findings.Add(new(false, "vector-file", $"{other} is not the store's vector file ({fileName}): left by a compaction that was interrupted or whose old file was still open; the next write removes it"));
        if (!File.Exists(path))
        {
            if (rows.Count > 0) findings.Add(new(true, "vector-file", $"the vector file {path} is missing; {rows.Count:N0} item(s) refer to it"));
            return findings;
        }
        MappedVectors vectors;
        try
        {
            vectors = MappedVectors.Open(path, dimension);
        }
        catch (LookalikeException e)
        {
            findings.Add(new(true, "vector-file", e.Message));
            return findings;
        }
        using (vectors)
        {
            var header = vectors.Header;
            uint checksum = Crc32C.Initial;
            for (long first = 0; first < header.Count; first += ChecksumRows)
            {
                var rowsBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors.Rows(first, (int)Math.Min(ChecksumRows, header.Count - first)));
                checksum = Crc32C.Append(checksum, rowsBytes);
            }
            if (checksum != header.DataChecksum)
                findings.Add(new(true, "vector-file", $"{path}: the checksum over its {header.Count:N0} rows does not match its header: vector bytes changed after they were written"));
            long length = new FileInfo(path).Length;
            if (length > header.DataEnd)
                findings.Add(new(false, "vector-file", $"{path} has {length - header.DataEnd:N0} bytes past its {header.Count:N0} counted rows (an interrupted append; the next write cuts them off)"));
            CheckRows(vectors, rows, normTolerance, perCheck, findings);
        }
        return findings;
    }

    private static void CheckRows(MappedVectors vectors, IReadOnlyList<(string Id, long Row)> rows, double normTolerance, int perCheck, List<VectorFileFinding> findings)
    {
        var tally = new CheckTally(perCheck);
        void Add(string check, string problem)
        {
            if (tally.Count(check)) findings.Add(new(true, check, problem));
        }
        var owners = new Dictionary<long, string>(rows.Count);
        long count = vectors.Header.Count;
        foreach (var (id, row) in rows)
        {
            if (row < 0 || row >= count)
            {
                Add("vectors", $"item '{id}' refers to row {row:N0} of {vectors.Path}, which has {count:N0} rows");
                continue;
            }
            if (!owners.TryAdd(row, id))
            {
                Add("vectors", $"items '{owners[row]}' and '{id}' refer to the same row {row:N0} of {vectors.Path}");
                continue;
            }
            if (CheckTally.NormProblem(id, vectors.Row(row), normTolerance) is { } problem) Add("norms", problem);
        }
        foreach (var (check, more) in tally.Unlisted)
            findings.Add(new(true, check, CheckTally.MoreItems(check, more)));
    }
}

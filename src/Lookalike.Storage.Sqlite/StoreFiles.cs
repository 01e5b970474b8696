using System.Globalization;

namespace Lookalike.Storage.Sqlite;

/// <summary>File names inside a store folder.</summary>
internal static class StoreFiles
{
    public const string Database = "catalog.db";

    /// <summary>
    /// The first float32 vector file of a store (schema v4 on; see <see cref="Vectors.VectorFileHeader"/>). A compaction
    /// writes the live rows into the next one, <c>vectors.1.f32</c>, <c>vectors.2.f32</c>…; SQLite names the current one
    /// (store_meta <c>vector_file</c>, schema v5 on), and a name is never used again once the store moved past it.
    /// </summary>
    public const string FirstVectors = "vectors.f32";

    public static string DatabasePath(string directory) => Path.Combine(directory, Database);

    /// <summary>The vector file name that follows <paramref name="name"/>: <c>vectors.f32</c> → <c>vectors.1.f32</c> → <c>vectors.2.f32</c>.</summary>
    public static string NextVectors(string name) =>
        $"vectors.{(VectorsNumber(name) ?? throw new ArgumentException($"'{name}' is not a vector file name.", nameof(name))) + 1}.f32";

    /// <summary>0 for <c>vectors.f32</c>, n for <c>vectors.n.f32</c>; null for any other name.</summary>
    public static long? VectorsNumber(string name)
    {
        if (name == FirstVectors) return 0;
        if (!name.StartsWith("vectors.", StringComparison.Ordinal) || !name.EndsWith(".f32", StringComparison.Ordinal)) return null;
        var digits = name.AsSpan("vectors.".Length, name.Length - "vectors.".Length - ".f32".Length);
        return digits.Length is > 0 and <= 18 && digits[0] != '0'
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;
    }

    /// <summary>Every vector file in <paramref name="directory"/> (current, superseded or left by an interrupted compaction).</summary>
    public static IEnumerable<string> VectorFiles(string directory) =>
        Directory.EnumerateFiles(directory, "vectors*.f32").Where(path => VectorsNumber(Path.GetFileName(path)) is not null);
}

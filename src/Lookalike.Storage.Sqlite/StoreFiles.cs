namespace Lookalike.Storage.Sqlite;

/// <summary>File names inside a store folder.</summary>
internal static class StoreFiles
{
    public const string Database = "catalog.db";

    /// <summary>The float32 vectors, one row per item version (schema v4 on; see <see cref="Vectors.VectorFileHeader"/>).</summary>
    public const string Vectors = "vectors.f32";

    public static string DatabasePath(string directory) => Path.Combine(directory, Database);

    public static string VectorsPath(string directory) => Path.Combine(directory, Vectors);
}

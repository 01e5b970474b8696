using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Vectors;

namespace Lookalike.Hosting.Export;

/// <summary>Writes a store's vectors as an N×D float32 <c>.npy</c> plus an ids file (one id a line, same row order).</summary>
public static class VectorExporter
{
    /// <summary>The ids file written beside <paramref name="npyPath"/>: <c>x.npy</c> → <c>x.ids.txt</c>.</summary>
    public static string IdsPathFor(string npyPath) => Path.ChangeExtension(npyPath, null) + ".ids.txt";

    /// <returns>Rows and dimension written.</returns>
    public static (int Rows, int Dimension) Export(ICatalogStore store, string npyPath)
    {
        ArgumentNullException.ThrowIfNull(store);
        var info = store.GetInfo();
        if (info.Items == 0 || info.Dimension == 0)
            throw LookalikeException.InvalidArgument("store", $"Store {store.Location} has no items to export.");
        string full = Path.GetFullPath(npyPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string idsPath = IdsPathFor(full);
        // Write to temporaries and rename, so a failed export never leaves a half file under the final name.
        string npyTemp = full + ".tmp", idsTemp = idsPath + ".tmp";
        int rows = 0;
        using (var npy = new FileStream(npyTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var ids = new StreamWriter(idsTemp, append: false))
        {
            ids.NewLine = "\n";
            NpyFormat.WriteHeader(npy, info.Items, info.Dimension);
            foreach (var item in store.ReadAll(withVectors: true))
            {
                if (rows == info.Items) break;
                NpyFormat.WriteRow(npy, item.Vector.Span);
                ids.WriteLine(item.Id.Value);
                rows++;
            }
        }
        if (rows != info.Items)
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt, $"Store changed during export ({rows} of {info.Items} rows read); run it again.", store.Location);
        File.Move(npyTemp, full, overwrite: true);
        File.Move(idsTemp, idsPath, overwrite: true);
        return (rows, info.Dimension);
    }
}

using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Hosting.Serving;

namespace Lookalike.Hosting.Query;

/// <summary>Reads a catalog item's photo from where it was indexed.</summary>
public static class ItemPhoto
{
    /// <summary>
    /// The photo's bytes. With <paramref name="photos"/> (servers) only a regular file inside the catalog's folders is
    /// read; without, any regular file, so a photo replaced by a device or a pipe (<c>/dev/zero</c>) is never read.
    /// </summary>
    /// <exception cref="LookalikeException">NotFound when the file is gone or not a regular file (or outside the allowed folders), IoFailure when it cannot be read; the item id is the subject.</exception>
    public static byte[] Read(CatalogItem item, PhotoFiles? photos = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        string path = photos?.Resolve(item) ?? item.Path;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
            // Devices, FIFOs and sockets report no length; an empty file is no photo either.
            if (!info.Exists || info.Length == 0 || (info.Attributes & (FileAttributes.Device | FileAttributes.Directory)) != 0) throw Missing(item);
            return File.ReadAllBytes(info.FullName);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Missing(item);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LookalikeException(LookalikeErrorKind.IoFailure, $"Cannot read the photo of item '{item.Id}'.", item.Id.Value, e);
        }
    }

    private static LookalikeException Missing(CatalogItem item) =>
        LookalikeException.NotFound(item.Id.Value, $"The photo of item '{item.Id}' is no longer where it was indexed.");
}

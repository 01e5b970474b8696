using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Query;

/// <summary>Reads a catalog item's photo from where it was indexed.</summary>
public static class ItemPhoto
{
    /// <exception cref="LookalikeException">NotFound when the file is gone, IoFailure when it cannot be read; the item id is the subject.</exception>
    public static byte[] Read(CatalogItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        try
        {
            return File.ReadAllBytes(item.Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw LookalikeException.NotFound(item.Id.Value, $"The photo of item '{item.Id}' is no longer where it was indexed.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LookalikeException(LookalikeErrorKind.IoFailure, $"Cannot read the photo of item '{item.Id}'.", item.Id.Value, e);
        }
    }
}

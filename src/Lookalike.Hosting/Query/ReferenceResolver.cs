using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Query;

/// <summary>What a reference named: a catalog item, or an outside photo (its full path and bytes, read once).</summary>
internal readonly record struct ResolvedReference(ItemId? Item, string? Path, byte[]? Bytes);

/// <summary>
/// The one reading of "an item or a photo" references, shared by look-alike queries and recommendations: an item the
/// caller recognises as written, else an image file — which is the item itself when it lies under the indexed folder
/// or has the bytes of a stored item (<see cref="ContentHash"/>), otherwise an outside photo to embed.
/// </summary>
internal static class ReferenceResolver
{
    /// <param name="reference">An item id (or what <paramref name="byName"/> accepts) or an image file path.</param>
    /// <param name="store">Where the indexed folder and content hashes are looked up.</param>
    /// <param name="byName">Finds an item by the reference as written; null when it names none.</param>
    /// <param name="contains">Whether an item is in the caller's view of the catalog.</param>
    /// <exception cref="LookalikeException">InvalidArgument (empty), NotFound (neither an item nor a file), IoFailure (unreadable file).</exception>
    public static ResolvedReference Resolve(string reference, ICatalogStore store, Func<string, ItemId?> byName, Func<ItemId, bool> contains)
    {
        if (string.IsNullOrWhiteSpace(reference)) throw LookalikeException.InvalidArgument("query", "Empty query.");
        if (byName(reference) is { } named) return new ResolvedReference(named, null, null);
        string path = Path.GetFullPath(reference);
        if (!File.Exists(path))
            throw LookalikeException.NotFound(reference, $"'{reference}' is neither an item in the store nor an image file.");
        if (store.Root is { } root && ItemId.FromPath(root, path) is { } inRoot && contains(inRoot)) return new ResolvedReference(inRoot, path, null);
        byte[] bytes = ReadImageFile(path);
        if (store.FindByContentHash(ContentHash.Of(bytes)) is { } same && contains(same)) return new ResolvedReference(same, path, null);
        return new ResolvedReference(null, path, bytes);
    }

    /// <summary>
    /// An item id the caller has, else an image file read as it is — not matched to a stored item: a region query or an
    /// explanation is about the photo the caller named.
    /// </summary>
    /// <exception cref="LookalikeException">InvalidArgument (empty), NotFound (neither an item nor a file), IoFailure (unreadable file).</exception>
    public static ResolvedReference ItemOrFile(string reference, Func<ItemId, bool> contains)
    {
        if (string.IsNullOrWhiteSpace(reference)) throw LookalikeException.InvalidArgument("query", "Empty query.");
        if (ItemId.TryParse(reference, out var id) && contains(id)) return new ResolvedReference(id, null, null);
        string path = Path.GetFullPath(reference);
        if (!File.Exists(path)) throw LookalikeException.NotFound(reference, $"'{reference}' is neither an item id in the store nor an image file.");
        return new ResolvedReference(null, path, ReadImageFile(path));
    }

    /// <exception cref="LookalikeException">IoFailure naming the file.</exception>
    public static byte[] ReadImageFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LookalikeException(LookalikeErrorKind.IoFailure, $"Cannot read {path}: {e.Message}", path, e);
        }
    }
}

using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Query;

namespace Lookalike.Hosting.Serving;

/// <summary>
/// Adds photos sent by clients to the catalog and removes items. An uploaded photo is validated (sniffed, decoded,
/// embedded) before anything is written; its bytes are then kept as <c>&lt;store&gt;/uploads/&lt;hash&gt;.&lt;ext&gt;</c> and it
/// becomes the item <c>uploads/&lt;hash&gt;.&lt;ext&gt;</c> (the first 16 hex digits of its SHA-256), so sending the same
/// bytes again replaces that item's metadata instead of adding a duplicate. Removing an item deletes its file only
/// when it is such an upload: photos of an indexed folder are never deleted. Thread-safe.
/// </summary>
public sealed class UploadedItems
{
    /// <summary>Folder (inside the store folder) and id prefix of uploaded items.</summary>
    public const string Folder = "uploads";

    /// <summary>Most metadata columns an upload may carry.</summary>
    public const int MaxColumns = 32;

    /// <summary>Longest metadata column name, in characters.</summary>
    public const int MaxColumnLength = 64;

    /// <summary>Longest metadata value, in characters.</summary>
    public const int MaxValueLength = 512;

    private readonly QueryService _service;
    private readonly string _folder;

    /// <param name="service">The live query service whose catalog is edited.</param>
    /// <param name="storeLocation">The store folder; uploads go to its <see cref="Folder"/> subfolder.</param>
    public UploadedItems(QueryService service, string storeLocation)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(storeLocation);
        _service = service;
        _folder = Path.Combine(Path.GetFullPath(storeLocation), Folder);
    }

    /// <summary>Validates, stores and indexes an uploaded photo.</summary>
    /// <param name="bytes">The file's content.</param>
    /// <param name="uploadName">The client's file name, for messages only.</param>
    /// <param name="metadata">Column → value, checked against the limits above.</param>
    /// <returns>The item, and whether it is new (false: the same bytes were uploaded before and were replaced).</returns>
    /// <exception cref="LookalikeException">
    /// InvalidArgument (metadata), UnsupportedImage, CorruptImage, ImageTooLarge (from the decoder), ModelMismatch,
    /// StoreUnavailable (cannot write the file or the store).
    /// </exception>
    public (CatalogEntry Entry, bool Created) Add(byte[] bytes, string uploadName, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(metadata);
        CheckMetadata(metadata);
        var format = ImageFormat.Sniff(bytes) ?? throw new LookalikeException(LookalikeErrorKind.UnsupportedImage,
            $"'{uploadName}' is not a JPEG, PNG, GIF, WebP or BMP image (judged by its content).", uploadName);

        // Decode and embed first: nothing is written for a photo that cannot be used.
        float[] vector = _service.Embedder.EmbedImage(bytes, uploadName);
        string hash = ContentHash.Of(bytes);
        string name = hash[..16] + format.Extension;
        var id = ItemId.Parse($"{Folder}/{name}");
        string path = Path.Combine(_folder, name);
        bool created = !_service.Catalog.TryGetItem(id, out _);
        bool wroteFile = WriteOnce(path, bytes);
        try
        {
            _service.Edits.AddItem(new CatalogItem
            {
                Id = id,
                Path = path,
                ContentHash = hash,
                SizeBytes = bytes.LongLength,
                ModifiedUtc = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
                Metadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal),
                Model = _service.Embedder.QueryModel,
                Vector = vector,
            });
        }
        catch when (wroteFile)
        {
            TryDelete(path);
            throw;
        }
        return (_service.Catalog.GetEntry(id), created);
    }

    /// <summary>Removes an item; deletes its file only when it was uploaded. False when there was no such item.</summary>
    /// <exception cref="LookalikeException">StoreUnavailable when the store cannot be written.</exception>
    public bool Remove(ItemId id)
    {
        var removed = _service.Edits.RemoveItem(id);
        if (removed is null) return false;
        if (IsUpload(removed.Path)) TryDelete(removed.Path);
        return true;
    }

    /// <summary>True when <paramref name="path"/> is a file in this store's uploads folder.</summary>
    public bool IsUpload(string path) =>
        string.Equals(Path.GetDirectoryName(Path.GetFullPath(path)), _folder, StringComparison.Ordinal);

    private static void CheckMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.Count > MaxColumns)
            throw LookalikeException.InvalidArgument("metadata", $"At most {MaxColumns} metadata columns are accepted; got {metadata.Count}.");
        foreach (var (column, value) in metadata)
        {
            if (column.Length is 0 or > MaxColumnLength || column.Any(char.IsControl) || column.Trim().Length != column.Length)
                throw LookalikeException.InvalidArgument("metadata",
                    $"Metadata column names must be 1–{MaxColumnLength} characters without control characters or surrounding spaces; got '{Printable(column)}'.");
            if (value is null || value.Length > MaxValueLength || value.Any(char.IsControl))
                throw LookalikeException.InvalidArgument("metadata",
                    $"The value of metadata column '{column}' must be at most {MaxValueLength} characters without control characters.");
        }
    }

    /// <summary>Writes the file unless it exists (same name = same content); true when this call created it.</summary>
    private static bool WriteOnce(string path, byte[] bytes)
    {
        if (File.Exists(path)) return false;
        string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Cannot save the uploaded photo in the store: {e.Message}", Folder, e);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string Printable(string value) => new(value.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

using System.Security.Cryptography;

namespace Lookalike.Core.Catalog;

/// <summary>
/// The content hash stored with every item (<see cref="CatalogItem.ContentHash"/>): lower-case hex SHA-256 of the file's
/// bytes. One definition for indexing, uploads and "is this photo already in the catalog?" look-ups.
/// </summary>
public static class ContentHash
{
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

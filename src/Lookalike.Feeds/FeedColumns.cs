namespace Lookalike.Feeds;

/// <summary>
/// Which fields of a feed hold the item id and its image URL. In Merchant XML the <c>g:</c> prefix is optional
/// (<c>id</c> and <c>g:id</c> name the same element). Every other field becomes the item's metadata.
/// </summary>
/// <param name="IdColumn">The product id; default <c>id</c> (Merchant's <c>g:id</c>).</param>
/// <param name="ImageColumn">The main image URL; default <c>image_link</c> (Merchant's <c>g:image_link</c>).</param>
/// <param name="AdditionalImageColumn">More image URLs, kept as metadata (<c>additional_image_link</c>, repeated in XML,
/// comma-separated in text feeds); never downloaded.</param>
public sealed record FeedColumns(string IdColumn = "id", string ImageColumn = "image_link", string AdditionalImageColumn = "additional_image_link")
{
    /// <summary>A column name without Merchant's <c>g:</c> prefix.</summary>
    internal static string Bare(string name) => name.StartsWith("g:", StringComparison.Ordinal) ? name[2..] : name;
}

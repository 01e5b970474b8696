using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Hosting.Reports;

/// <summary>Photos inlined into the self-contained HTML pages (<see cref="HtmlReport"/>, <see cref="ExplainHtml"/>).</summary>
internal static class ReportImages
{
    /// <summary>
    /// The photo at <paramref name="path"/> as a JPEG <c>data:</c> URI at most <paramref name="maxSide"/> pixels on a
    /// side; null when there is no such file or it cannot be read or decoded (the page says "no image" instead).
    /// </summary>
    public static string? ThumbnailDataUri(IImageDecoder decoder, string? path, int maxSide)
    {
        if (path is null || !File.Exists(path)) return null;
        try
        {
            byte[] jpeg = decoder.EncodeThumbnail(File.ReadAllBytes(path), path, maxSide);
            return "data:image/jpeg;base64," + Convert.ToBase64String(jpeg);
        }
        catch (Exception e) when (e is LookalikeException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

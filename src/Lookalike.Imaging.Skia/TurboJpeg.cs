using System.Runtime.InteropServices;
using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>
/// JPEG pixels through the system's libjpeg-turbo (TurboJPEG API, Debian's <c>libturbojpeg0</c>) when it is installed.
/// </summary>
/// <remarks>
/// <para>
/// SkiaSharp's native library carries its own libjpeg-turbo built without SIMD: on a 224×224 catalog photo its IDCT,
/// upsampling and colour conversion take about twice the time of the system library's AVX2 code. libjpeg-turbo's SIMD
/// code gives the same bytes as its C code for what Skia asks of it (the accurate integer IDCT, fancy upsampling, k/8
/// scaling), so this is a faster road to the same pixels — checked byte for byte against Skia on every photo of the
/// three datasets and on 4:4:4/4:2:2/4:4:0, progressive, arithmetic, greyscale and restart-marker files
/// (<c>TurboJpegTests</c>).
/// </para>
/// <para>
/// It only takes the files where that holds: YCbCr or greyscale, no embedded ICC profile (Skia converts those to
/// sRGB), a decode at the full size or an exact k/8 scale. Anything else — and any file the library reports a
/// warning or an error for, such as a truncated one — is left to Skia, which decides as before (a truncated file is
/// still an error). Without the library everything is decoded by Skia.
/// </para>
/// </remarks>
internal static unsafe class TurboJpeg
{
    private const string LibraryName = "libturbojpeg.so.0";
    private const int PixelFormatRgb = 0;  // TJPF_RGB
    private const int PixelFormatRgba = 7; // TJPF_RGBA: alpha 0xFF, so the bytes are also premultiplied RGBA
    private const int ColourspaceYCbCr = 1, ColourspaceGray = 2;

    private static readonly Api? Functions = Load();

    /// <summary>Tests turn the system library off to compare with Skia's own decoder.</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>Whether JPEGs go through the system library (it was found and is not turned off).</summary>
    public static bool IsActive => Enabled && Functions is not null;

    /// <summary>What decodes JPEG pixels in this process, for benchmark and diagnostic output.</summary>
    public static string Description => IsActive ? $"system libjpeg-turbo ({LibraryName}, SIMD)" : "Skia's built-in libjpeg-turbo";

    /// <summary>
    /// Decodes <paramref name="jpeg"/> at <paramref name="size"/> (its stored size or an exact k/8 scale of it) into
    /// <paramref name="pixels"/> as opaque RGBA8888 rows of <paramref name="rowBytes"/>; false when this file is left to Skia.
    /// </summary>
    public static bool TryDecodeRgba(ReadOnlySpan<byte> jpeg, SKSizeI size, nint pixels, int rowBytes) =>
        TryDecode(jpeg, size, pixels, rowBytes, PixelFormatRgba);

    /// <summary>As <see cref="TryDecodeRgba"/>, into packed RGB24 rows (<c>3 × width</c> bytes each): what an opaque RGBA decode converts to.</summary>
    public static bool TryDecodeRgb(ReadOnlySpan<byte> jpeg, SKSizeI size, nint pixels) =>
        TryDecode(jpeg, size, pixels, size.Width * 3, PixelFormatRgb);

    private static bool TryDecode(ReadOnlySpan<byte> jpeg, SKSizeI size, nint pixels, int rowBytes, int pixelFormat)
    {
        if (!IsActive || HasIccProfile(jpeg) != false)
            return false;
        var api = Functions!;
        nint handle = api.InitDecompress();
        if (handle == 0)
            return false;
        try
        {
            fixed (byte* source = jpeg)
            {
                int width, height, subsampling, colourspace;
                if (api.DecompressHeader3(handle, source, (nuint)jpeg.Length, &width, &height, &subsampling, &colourspace) != 0
                    || colourspace is not (ColourspaceYCbCr or ColourspaceGray)
                    || !IsEighthScale(width, height, size))
                    return false;
                // 0 only when the whole image decoded without a warning; a warning (premature end, corrupt data) is -1.
                return api.Decompress2(handle, source, (nuint)jpeg.Length, (byte*)pixels, size.Width, rowBytes, size.Height, pixelFormat, 0) == 0;
            }
        }
        finally
        {
            api.Destroy(handle);
        }
    }

    /// <summary>Whether <paramref name="size"/> is ⌈k·w/8⌉ × ⌈k·h/8⌉ for one k in 1–8 (what both Skia and TurboJPEG scale to).</summary>
    internal static bool IsEighthScale(int width, int height, SKSizeI size)
    {
        for (int k = 1; k <= 8; k++)
            if ((width * k + 7) / 8 == size.Width && (height * k + 7) / 8 == size.Height)
                return true;
        return false;
    }

    /// <summary>
    /// Whether an APP2 <c>ICC_PROFILE</c> segment comes before the first scan; null when the markers cannot be read
    /// (the file is then left to Skia).
    /// </summary>
    internal static bool? HasIccProfile(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
            return null;
        ReadOnlySpan<byte> icc = "ICC_PROFILE\0"u8;
        int at = 2;
        while (at + 4 <= jpeg.Length)
        {
            if (jpeg[at] != 0xFF)
                return null;
            byte marker = jpeg[at + 1];
            if (marker == 0xFF) { at++; continue; }                      // fill byte
            if (marker == 0xDA || marker == 0xD9) return false;         // start of scan / end of image: no profile before it
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { at += 2; continue; } // markers without a length
            int length = (jpeg[at + 2] << 8) | jpeg[at + 3];
            if (length < 2 || at + 2 + length > jpeg.Length)
                return null;
            if (marker == 0xE2 && length >= 2 + icc.Length && jpeg.Slice(at + 4, icc.Length).SequenceEqual(icc))
                return true;
            at += 2 + length;
        }
        return null;
    }

    private static Api? Load()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(LibraryName, out var library))
            return null;
        try
        {
            return new Api(
                (delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "tjInitDecompress"),
                (delegate* unmanaged<nint, byte*, nuint, int*, int*, int*, int*, int>)NativeLibrary.GetExport(library, "tjDecompressHeader3"),
                (delegate* unmanaged<nint, byte*, nuint, byte*, int, int, int, int, int, int>)NativeLibrary.GetExport(library, "tjDecompress2"),
                (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "tjDestroy"));
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    private sealed class Api(
        delegate* unmanaged<nint> initDecompress,
        delegate* unmanaged<nint, byte*, nuint, int*, int*, int*, int*, int> decompressHeader3,
        delegate* unmanaged<nint, byte*, nuint, byte*, int, int, int, int, int, int> decompress2,
        delegate* unmanaged<nint, int> destroy)
    {
        public nint InitDecompress() => initDecompress();

        public int DecompressHeader3(nint handle, byte* jpeg, nuint length, int* width, int* height, int* subsampling, int* colourspace) =>
            decompressHeader3(handle, jpeg, length, width, height, subsampling, colourspace);

        public int Decompress2(nint handle, byte* jpeg, nuint length, byte* destination, int width, int pitch, int height, int pixelFormat, int flags) =>
            decompress2(handle, jpeg, length, destination, width, pitch, height, pixelFormat, flags);

        public void Destroy(nint handle) => destroy(handle);
    }
}

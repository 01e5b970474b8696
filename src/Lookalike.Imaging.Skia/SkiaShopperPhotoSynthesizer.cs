using Lookalike.Core.Imaging;
using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>
/// <see cref="IShopperPhotoSynthesizer"/> on SkiaSharp's CPU raster: a <see cref="Side"/>-pixel square frame, the
/// background zoomed to cover it, the product (cut out from a studio backdrop by <see cref="ProductCutout"/>) drawn
/// through one scale · rotation · perspective transform off centre, then colour cast, exposure and blur in one filtered
/// draw, Gaussian noise, and a JPEG at quality <see cref="JpegQuality"/>. The choices are a <see cref="ShopperPhotoRecipe"/>.
/// </summary>
/// <remarks>Thread-safe: every call owns its native objects. Deterministic for a seed on one build and CPU.</remarks>
public sealed class SkiaShopperPhotoSynthesizer : IShopperPhotoSynthesizer
{
    /// <summary>Side of the square output photo, in pixels.</summary>
    public const int Side = 384;

    /// <summary>JPEG quality of the output: a heavily compressed phone upload or messenger forward.</summary>
    public const int JpegQuality = 30;

    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.None);

    /// <inheritdoc />
    public byte[] Synthesize(DecodedImage product, DecodedImage background, int seed)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(background);
        var random = new Random(seed);
        var recipe = ShopperPhotoRecipe.Draw(random);
        var info = new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Premul);

        using var scene = new SKBitmap(info);
        using (var canvas = new SKCanvas(scene))
        using (var backgroundImage = ToImage(background, alpha: null))
        using (var productImage = ToImage(product, ProductCutout.Alpha(product)))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            canvas.Clear(SKColors.Gray);
            canvas.SetMatrix(BackgroundTransform(background, recipe));
            canvas.DrawImage(backgroundImage, 0, 0, Sampling, paint);
            canvas.SetMatrix(ProductTransform(product, recipe));
            canvas.DrawImage(productImage, 0, 0, Sampling, paint);
            canvas.Flush();
        }

        using var shot = new SKBitmap(info);
        using (var canvas = new SKCanvas(shot))
        using (var sceneImage = SKImage.FromBitmap(scene))
        using (var colour = SKColorFilter.CreateColorMatrix(ColourMatrix(recipe)))
        using (var blur = SKImageFilter.CreateBlur((float)recipe.BlurSigma, (float)recipe.BlurSigma, SKShaderTileMode.Clamp))
        using (var paint = new SKPaint { ColorFilter = colour, ImageFilter = blur })
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawImage(sceneImage, 0, 0, Sampling, paint);
            canvas.Flush();
        }

        AddNoise(shot, recipe.NoiseSigma, random);
        using var pixmap = shot.PeekPixels();
        using var jpeg = pixmap.Encode(SKEncodedImageFormat.Jpeg, JpegQuality)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the synthetic photo as JPEG.");
        return jpeg.ToArray();
    }

    /// <summary>Background pixels → frame: scaled to cover the frame times the zoom, its visible window placed by the recipe.</summary>
    private static SKMatrix BackgroundTransform(DecodedImage background, ShopperPhotoRecipe recipe)
    {
        float scale = (float)(Math.Max((double)Side / background.Width, (double)Side / background.Height) * recipe.BackgroundZoom);
        float freeX = background.Width * scale - Side, freeY = background.Height * scale - Side;
        return SKMatrix.CreateScaleTranslation(scale, scale, -(float)(freeX * recipe.BackgroundX), -(float)(freeY * recipe.BackgroundY));
    }

    /// <summary>
    /// Product pixels → frame: centred on its own middle, tilted in perspective, scaled to its share of the frame,
    /// rotated, and moved to its off-centre position. (<see cref="SKMatrix.Concat(SKMatrix, SKMatrix)"/>(a, b) applies b first.)
    /// </summary>
    private static SKMatrix ProductTransform(DecodedImage product, ShopperPhotoRecipe recipe)
    {
        float halfW = product.Width / 2f, halfH = product.Height / 2f;
        var centre = SKMatrix.CreateTranslation(-halfW, -halfH);
        // w = 1 + px·x + py·y: the edge at x = +halfW shrinks by 1/(1 + TiltX), the opposite one grows.
        var tilt = new SKMatrix(1, 0, 0, 0, 1, 0, (float)recipe.TiltX / halfW, (float)recipe.TiltY / halfH, 1);
        float scale = (float)(recipe.ProductSize * Side / Math.Max(product.Width, product.Height));
        var place = SKMatrix.CreateTranslation((float)((0.5 + recipe.OffsetX) * Side), (float)((0.5 + recipe.OffsetY) * Side));
        var matrix = SKMatrix.Concat(SKMatrix.CreateScale(scale, scale), SKMatrix.Concat(tilt, centre));
        matrix = SKMatrix.Concat(SKMatrix.CreateRotationDegrees((float)recipe.RotationDegrees), matrix);
        return SKMatrix.Concat(place, matrix);
    }

    /// <summary>Per-channel gain × exposure plus haze, alpha untouched (Skia's 4×5 row-major matrix, offsets in 0–1).</summary>
    private static float[] ColourMatrix(ShopperPhotoRecipe recipe)
    {
        float e = (float)recipe.Exposure, h = (float)recipe.Haze;
        return
        [
            (float)recipe.GainR * e, 0, 0, 0, h,
            0, (float)recipe.GainG * e, 0, 0, h,
            0, 0, (float)recipe.GainB * e, 0, h,
            0, 0, 0, 1, 0,
        ];
    }

    /// <summary>Adds zero-mean Gaussian noise (Box–Muller from <paramref name="random"/>) to every colour channel of an opaque bitmap.</summary>
    private static void AddNoise(SKBitmap bitmap, double sigma, Random random)
    {
        using var pixmap = bitmap.PeekPixels();
        Span<byte> pixels = pixmap.GetPixelSpan();
        for (int i = 0; i < pixels.Length; i += 4)
        {
            for (int c = 0; c < 3; c++)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                double noise = sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                pixels[i + c] = (byte)Math.Clamp((int)Math.Round(pixels[i + c] + noise), 0, 255);
            }
            pixels[i + 3] = 255;
        }
    }

    /// <summary>An RGB24 image as a premultiplied Skia image, with <paramref name="alpha"/> per pixel or opaque.</summary>
    private static SKImage ToImage(DecodedImage image, byte[]? alpha)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        var rgb = image.Pixels;
        for (int p = 0, i = 0, o = 0; p < image.Width * image.Height; p++, i += 3, o += 4)
        {
            int a = alpha?[p] ?? 255;
            rgba[o] = (byte)((rgb[i] * a + 127) / 255);
            rgba[o + 1] = (byte)((rgb[i + 1] * a + 127) / 255);
            rgba[o + 2] = (byte)((rgb[i + 2] * a + 127) / 255);
            rgba[o + 3] = (byte)a;
        }
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var data = SKData.CreateCopy(rgba);
        return SKImage.FromPixels(info, data, info.RowBytes)
            ?? throw new InvalidOperationException($"SkiaSharp could not wrap a {image.Width}x{image.Height} image.");
    }
}

using System.Numerics.Tensors;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;

namespace Lookalike.Core.Embedding;

/// <summary>
/// Where the object is in a photo, read from its last feature map without any training (in the manner of SCDA, Wei et
/// al. 2017): the energy of a cell is its activation summed over the channels; the cells above the mean energy form
/// a mask, and its largest 4-connected part (ties: the one holding the strongest cell) is the object.
/// </summary>
public static class ObjectLocator
{
    /// <summary>The located cells of <paramref name="map"/> (row-major, <c>Rows × Cols</c>) and their bounding box in cells.</summary>
    public static ObjectRegion Locate(FeatureMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        int area = map.Area, rows = map.Rows, cols = map.Cols;
        var energy = new float[area];
        for (int c = 0; c < map.Channels; c++)
            TensorPrimitives.Add(energy, map.Values.AsSpan(c * area, area), energy);
        float mean = TensorPrimitives.Sum(energy) / area;
        int strongest = TensorPrimitives.IndexOfMax(energy);

        // Label the 4-connected parts of the above-mean cells; keep the largest (the strongest cell's part on a tie).
        var part = new int[area];
        var best = new List<int>();
        int label = 0;
        var stack = new Stack<int>();
        for (int start = 0; start < area; start++)
        {
            if (part[start] != 0 || !(energy[start] > mean)) continue;
            label++;
            var cells = new List<int>();
            part[start] = label;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int cell = stack.Pop();
                cells.Add(cell);
                int r = cell / cols, c = cell % cols;
                foreach (int next in (int[])[r > 0 ? cell - cols : -1, r < rows - 1 ? cell + cols : -1, c > 0 ? cell - 1 : -1, c < cols - 1 ? cell + 1 : -1])
                {
                    if (next < 0 || part[next] != 0 || !(energy[next] > mean)) continue;
                    part[next] = label;
                    stack.Push(next);
                }
            }
            if (cells.Count > best.Count || (cells.Count == best.Count && cells.Contains(strongest))) best = cells;
        }
        if (best.Count == 0) best = Enumerable.Range(0, area).ToList(); // a flat map: no object stands out, keep it whole

        var mask = new bool[area];
        int top = rows, left = cols, bottom = -1, right = -1;
        foreach (int cell in best)
        {
            mask[cell] = true;
            int r = cell / cols, c = cell % cols;
            top = Math.Min(top, r);
            bottom = Math.Max(bottom, r);
            left = Math.Min(left, c);
            right = Math.Max(right, c);
        }
        return new ObjectRegion(rows, cols, mask, top, left, bottom - top + 1, right - left + 1);
    }

    /// <summary>
    /// The square of the photo to embed again for <paramref name="region"/>, in fractions of a
    /// <paramref name="photoWidth"/>×<paramref name="photoHeight"/> photo whose model input covered
    /// <paramref name="inputArea"/> (<see cref="InputArea.Of"/>): the cells' box, grown by <paramref name="marginCells"/>
    /// on every side, made square about its centre (the model input is square) and moved, then cut, to lie inside the photo.
    /// </summary>
    public static FractionRect CropOf(ObjectRegion region, FractionRect inputArea, int photoWidth, int photoHeight, double marginCells = 0.5)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(photoWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(photoHeight);
        // Cells → fractions of the model input → pixels of the photo.
        double cellW = inputArea.Width * photoWidth / region.Cols, cellH = inputArea.Height * photoHeight / region.Rows;
        double x0 = inputArea.X * photoWidth + (region.Left - marginCells) * cellW;
        double x1 = inputArea.X * photoWidth + (region.Left + region.Width + marginCells) * cellW;
        double y0 = inputArea.Y * photoHeight + (region.Top - marginCells) * cellH;
        double y1 = inputArea.Y * photoHeight + (region.Top + region.Height + marginCells) * cellH;
        double side = Math.Min(Math.Max(x1 - x0, y1 - y0), Math.Min(photoWidth, photoHeight));
        double x = Math.Clamp((x0 + x1) / 2 - side / 2, 0, photoWidth - side);
        double y = Math.Clamp((y0 + y1) / 2 - side / 2, 0, photoHeight - side);
        return new FractionRect(x / photoWidth, y / photoHeight, side / photoWidth, side / photoHeight);
    }

    /// <summary>
    /// Pools the cells of <paramref name="map"/> that <paramref name="mask"/> keeps as <paramref name="pooling"/> pools a
    /// whole map (average, max or GeM over those cells only) and L2-normalises into <paramref name="destination"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The mask's length is not the map's area, or it keeps no cell.</exception>
    public static void PoolMasked(FeatureMap map, ReadOnlySpan<bool> mask, EmbeddingPooling pooling, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(map);
        int area = map.Area;
        if (mask.Length != area) throw new ArgumentException($"The mask has {mask.Length} cells; the map {area}.", nameof(mask));
        int kept = 0;
        foreach (bool k in mask) kept += k ? 1 : 0;
        if (kept == 0) throw new ArgumentException("The mask keeps no cell.", nameof(mask));
        double p = pooling.P;
        for (int c = 0; c < map.Channels; c++)
        {
            ReadOnlySpan<float> plane = map.Values.AsSpan(c * area, area);
            double value = pooling.Kind == PoolingKind.Max ? double.NegativeInfinity : 0;
            for (int i = 0; i < area; i++)
            {
                if (!mask[i]) continue;
                value = pooling.Kind switch
                {
                    PoolingKind.Max => Math.Max(value, plane[i]),
                    PoolingKind.Gem => value + Math.Pow(Math.Max(plane[i], EmbeddingPooling.GemEpsilon), p),
                    _ => value + plane[i],
                };
            }
            destination[c] = (float)(pooling.Kind switch
            {
                PoolingKind.Max => value,
                PoolingKind.Gem => Math.Pow(value / kept, 1 / p),
                _ => value / kept,
            });
        }
        float norm = TensorPrimitives.Norm(destination[..map.Channels]);
        if (norm > 0) TensorPrimitives.Divide(destination[..map.Channels], norm, destination[..map.Channels]);
    }
}

/// <summary>The located object on a feature grid: which cells, and their bounding box in cells.</summary>
/// <param name="Mask">Row-major, <c>Rows × Cols</c>: true for the object's cells.</param>
public sealed record ObjectRegion(int Rows, int Cols, bool[] Mask, int Top, int Left, int Height, int Width);

using System.Globalization;
using System.Text;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Search;

/// <summary>Which index answers searches.</summary>
public enum IndexKind
{
    /// <summary>Exact below <see cref="IndexSpec.AutoThreshold"/> items, HNSW above.</summary>
    Auto,
    /// <summary>Brute-force scan: exact, O(N·D) per query.</summary>
    Exact,
    /// <summary>Hierarchical navigable small-world graph: approximate, ~O(log N) per query.</summary>
    Hnsw,
}

/// <summary>How vectors are stored inside an index.</summary>
public enum VectorDType
{
    /// <summary>float32: 4 bytes per dimension, exact.</summary>
    F32,
    /// <summary>float16: 2 bytes per dimension.</summary>
    F16,
    /// <summary>int8 (scaled): 1 byte per dimension.</summary>
    I8,
}

/// <summary>
/// A printable, parseable index descriptor, e.g. <c>exact</c>, <c>auto</c> or <c>hnsw(m=16,efc=128,ef=64,dtype=f16)</c>.
/// <see cref="ToString"/> round-trips through <see cref="Parse"/> and always prints every parameter of the kind.
/// </summary>
public sealed record IndexSpec
{
    /// <summary>Item count from which <see cref="IndexKind.Auto"/> picks HNSW.</summary>
    public const int AutoThreshold = 50_000;

    public IndexKind Kind { get; init; } = IndexKind.Auto;

    /// <summary>HNSW connectivity (neighbours per node), 2–128. Memory ≈ 2·M·4 bytes per item on the base layer.</summary>
    public int M { get; init; } = 16;

    /// <summary>HNSW candidate list size while building, 8–4096: higher builds slower with better recall.</summary>
    public int EfConstruction { get; init; } = 128;

    /// <summary>HNSW candidate list size while searching, 8–4096 (raised to k when smaller): higher is slower with better recall.</summary>
    public int EfSearch { get; init; } = 64;

    /// <summary>Storage type of vectors inside the HNSW index.</summary>
    public VectorDType DType { get; init; } = VectorDType.F32;

    /// <summary>Re-score HNSW candidates with the exact float32 vectors (from the store) before returning.</summary>
    public bool Rerank { get; init; }

    public static IndexSpec Exact { get; } = new() { Kind = IndexKind.Exact };

    public static IndexSpec Auto { get; } = new() { Kind = IndexKind.Auto };

    /// <summary>
    /// The spec <see cref="IndexKind.Auto"/> resolves to for <paramref name="count"/> items. Given the
    /// <paramref name="dimension"/> and the <paramref name="memoryBytes"/> the process may use, an HNSW it picks keeps
    /// its vectors at the most precise dtype whose estimated graph fits in a third of that memory (the estimate is ~25% under
    /// USearch's real footprint, and the mapped vector file and the build need the rest) — f32, else f16, else i8
    /// re-ranked from the stored float32 rows — so ten million 512-d items on 24 GiB get an 8 GB graph instead of 22 GB.
    /// </summary>
    public IndexSpec Resolve(int count, int dimension = 0, long memoryBytes = 0)
    {
        if (Kind != IndexKind.Auto) return this;
        if (count < AutoThreshold) return this with { Kind = IndexKind.Exact };
        var hnsw = this with { Kind = IndexKind.Hnsw };
        if (dimension <= 0 || memoryBytes <= 0) return hnsw;
        long budget = memoryBytes / 3;
        foreach (var dtype in new[] { VectorDType.F32, VectorDType.F16 })
        {
            var candidate = hnsw with { DType = dtype };
            if ((long)count * candidate.EstimatedBytesPerItem(dimension) <= budget) return candidate;
        }
        return hnsw with { DType = VectorDType.I8, Rerank = true };
    }

    /// <summary>Bytes per item of the stored vectors, plus the HNSW base-layer links; an estimate for <c>info</c>.</summary>
    public long EstimatedBytesPerItem(int dimension)
    {
        long vectorBytes = Kind == IndexKind.Hnsw
            ? DType switch { VectorDType.F16 => 2L * dimension, VectorDType.I8 => dimension, _ => 4L * dimension }
            : 4L * dimension;
        // Base layer keeps 2·M neighbour slots of 4 bytes plus a count; upper layers add ~1/M of that.
        long graphBytes = Kind == IndexKind.Hnsw ? (2L * M * 4 + 8) + (M * 4 + 8) / Math.Max(M, 1) : 0;
        return vectorBytes + graphBytes;
    }

    /// <summary>
    /// The parameters that shape a built HNSW graph (m, efc, dtype); ef and rerank only affect searching, so a cache
    /// built with other values of those is still valid.
    /// </summary>
    public string GraphKey => string.Create(CultureInfo.InvariantCulture, $"hnsw(m={M},efc={EfConstruction},dtype={DType.ToString().ToLowerInvariant()})");

    public override string ToString() => Kind switch
    {
        IndexKind.Exact => "exact",
        IndexKind.Auto => "auto",
        _ => string.Create(CultureInfo.InvariantCulture,
            $"hnsw(m={M},efc={EfConstruction},ef={EfSearch},dtype={DType.ToString().ToLowerInvariant()}{(Rerank ? ",rerank=true" : "")})"),
    };

    /// <summary>Parses <c>exact</c>, <c>auto</c> or <c>hnsw(key=value,...)</c> (keys m, efc, ef, dtype, rerank; any subset).</summary>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.InvalidArgument"/> naming the bad part.</exception>
    public static IndexSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        LookalikeException Bad(string why) => LookalikeException.InvalidArgument("index",
            $"Invalid index spec '{text}': {why}. Examples: exact, auto, hnsw(m=16,efc=128,ef=64,dtype=f16).");
        if (s is "exact" or "exact()") return Exact;
        if (s is "auto" or "auto()") return Auto;
        if (s is "hnsw" or "hnsw()") return new IndexSpec { Kind = IndexKind.Hnsw };
        if (!s.StartsWith("hnsw(", StringComparison.Ordinal) || !s.EndsWith(')')) throw Bad("expected exact, auto or hnsw(...)");
        var spec = new IndexSpec { Kind = IndexKind.Hnsw };
        var arguments = SpecArguments.Parse(s[5..^1], Bad);
        foreach (var (key, value) in arguments.Pairs)
        {
            int Int(int min, int max) => arguments.Int(key, value, min, max);
            spec = key switch
            {
                "m" => spec with { M = Int(2, 128) },
                "efc" => spec with { EfConstruction = Int(8, 4096) },
                "ef" => spec with { EfSearch = Int(8, 4096) },
                "dtype" => spec with
                {
                    DType = value switch
                    {
                        "f32" => VectorDType.F32,
                        "f16" => VectorDType.F16,
                        "i8" => VectorDType.I8,
                        _ => throw Bad("dtype must be f32, f16 or i8"),
                    },
                },
                "rerank" => spec with { Rerank = value is "true" or "1" ? true : value is "false" or "0" ? false : throw Bad("rerank must be true or false") },
                _ => throw Bad($"unknown key '{key}' (known: m, efc, ef, dtype, rerank)"),
            };
        }
        return spec;
    }
}

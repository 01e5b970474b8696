using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lookalike.Core.Embedding;

/// <summary>How a <c>[1, C, H, W]</c> feature map becomes a C-vector.</summary>
public enum PoolingKind
{
    /// <summary>Mean over H×W (global average pooling, what ImageNet CNNs end with).</summary>
    Average,

    /// <summary>Max over H×W (MAC, Tolias et al. 2016).</summary>
    Max,

    /// <summary>Generalised mean (GeM, Radenović et al. 2018): (mean of max(x, ε)^p)^(1/p); p = 1 is average, p → ∞ max.</summary>
    Gem,
}

/// <summary>
/// Pooling of the embedding's feature map, written <c>avg</c>, <c>max</c> or <c>gem{p}</c> (<c>gem</c> alone is p = 3,
/// the usual value in the instance-retrieval literature; <c>gem2.5</c>). It changes the vectors, so anything but
/// <c>avg</c> is part of the model id (<c>resnet18+gem3@…</c>). <see cref="ToString"/> prints the form
/// <see cref="Parse"/> reads.
/// </summary>
[JsonConverter(typeof(EmbeddingPoolingJsonConverter))]
public readonly record struct EmbeddingPooling
{
    /// <summary>Activations are clamped at this before the power in GeM (ReLU maps have exact zeros).</summary>
    public const float GemEpsilon = 1e-6f;

    /// <summary>Default GeM power.</summary>
    public const float DefaultP = 3f;

    /// <summary>Smallest and largest GeM power accepted.</summary>
    public const float MinP = 1f, MaxP = 16f;

    private readonly float _gemP; // 0 unless Gem, so default(EmbeddingPooling) equals Average

    private EmbeddingPooling(PoolingKind kind, float gemP)
    {
        Kind = kind;
        _gemP = gemP;
    }

    public PoolingKind Kind { get; }

    /// <summary>The GeM power (1–16); 1 for average, +∞ for max.</summary>
    public float P => Kind switch { PoolingKind.Gem => _gemP, PoolingKind.Max => float.PositiveInfinity, _ => 1f };

    public static EmbeddingPooling Average => default;

    public static EmbeddingPooling Max => new(PoolingKind.Max, 0f);

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside 1–16 or not finite.</exception>
    public static EmbeddingPooling Gem(float p = DefaultP)
    {
        if (!(p >= MinP && p <= MaxP))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"GeM power must be {MinP}–{MaxP}.");
        return new EmbeddingPooling(PoolingKind.Gem, p);
    }

    /// <summary>True for <see cref="Average"/> (also the default value of the struct).</summary>
    public bool IsAverage => Kind == PoolingKind.Average;

    /// <summary>Reads <c>avg</c>, <c>max</c>, <c>gem</c> or <c>gem{p}</c> (any case); null with a reason in <paramref name="error"/> otherwise.</summary>
    public static bool TryParse(string? text, out EmbeddingPooling pooling, out string error)
    {
        pooling = Average;
        error = "";
        string t = (text ?? "").Trim().ToLowerInvariant();
        switch (t)
        {
            case "avg" or "average" or "gap": return true;
            case "max" or "mac": pooling = Max; return true;
            case "gem": pooling = Gem(); return true;
        }
        if (t.StartsWith("gem", StringComparison.Ordinal)
            && float.TryParse(t.AsSpan(3), NumberStyles.Float, CultureInfo.InvariantCulture, out float p))
        {
            if (p is >= MinP and <= MaxP)
            {
                pooling = Gem(p);
                return true;
            }
            error = $"pooling '{text}': the GeM power must be {MinP}–{MaxP}";
            return false;
        }
        error = $"pooling '{text}' is not one of avg, max, gem, gem{{p}} (e.g. gem3)";
        return false;
    }

    /// <exception cref="FormatException">Not a pooling descriptor (the message names it).</exception>
    public static EmbeddingPooling Parse(string text) =>
        TryParse(text, out EmbeddingPooling pooling, out string error) ? pooling : throw new FormatException(error);

    /// <summary><c>avg</c>, <c>max</c> or <c>gem{p}</c> with p in round-trip form (<c>gem3</c>, <c>gem2.5</c>).</summary>
    public override string ToString() => Kind switch
    {
        PoolingKind.Max => "max",
        PoolingKind.Gem => "gem" + P.ToString("R", CultureInfo.InvariantCulture),
        _ => "avg",
    };
}

/// <summary>Reads and writes <see cref="EmbeddingPooling"/> as its descriptor string (<c>"gem3"</c>).</summary>
public sealed class EmbeddingPoolingJsonConverter : JsonConverter<EmbeddingPooling>
{
    public override EmbeddingPooling Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("pooling must be a string: avg, max, gem or gem{p}");
        return EmbeddingPooling.TryParse(reader.GetString(), out EmbeddingPooling pooling, out string error) ? pooling : throw new JsonException(error);
    }

    public override void Write(Utf8JsonWriter writer, EmbeddingPooling value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}

using System.Globalization;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx.Quantization;

/// <summary>
/// Activation ranges of a float network measured on real photos: the input of <see cref="QdqQuantizer.Quantize"/>.
/// Stored as a small JSON file next to the model (<c>lookalike-int8-calibration/1</c>) so the quantised model, and
/// with it the model id, is the same on every machine.
/// </summary>
internal sealed record CalibrationTable(string Model, string Method, int Images, string Source, IReadOnlyDictionary<string, (float Min, float Max)> Ranges)
{
    public const string Format = "lookalike-int8-calibration/1";

    /// <summary>Measures min and max of every activation over <paramref name="inputs"/> (network input tensors).</summary>
    public static CalibrationTable Measure(ReadOnlyMemory<byte> fp32Model, string model, string source, string inputName, long[] shape, IEnumerable<float[]> inputs)
    {
        var prepared = QdqQuantizer.Prepare(fp32Model);
        byte[] calibration = QdqQuantizer.CalibrationModel(prepared, out IReadOnlyList<string> tensors);
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var session = new InferenceSession(calibration, options);
        using var runOptions = new RunOptions();
        var ranges = tensors.ToDictionary(t => t, _ => (Min: float.PositiveInfinity, Max: float.NegativeInfinity), StringComparer.Ordinal);
        string[] outputs = tensors.Skip(1).ToArray(); // [0] is the input, measured from the array itself
        int count = 0;
        foreach (float[] input in inputs)
        {
            Update(ranges, tensors[0], input);
            using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, [inputName], [value], outputs);
            for (int i = 0; i < outputs.Length; i++) Update(ranges, outputs[i], results[i].GetTensorDataAsSpan<float>());
            count++;
        }
        if (count == 0) throw new InvalidOperationException("calibration needs at least one image");
        // Six significant digits: the JSON text is then exact and short, and tiny float differences between CPUs vanish.
        var rounded = ranges.ToDictionary(r => r.Key, r => (Round6(r.Value.Min), Round6(r.Value.Max)), StringComparer.Ordinal);
        return new CalibrationTable(model, "minmax", count, source, rounded);
    }

    public static CalibrationTable Load(string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        if ((string?)json["format"] != Format)
            throw new InvalidDataException($"{path}: not a {Format} file");
        var ranges = new Dictionary<string, (float, float)>(StringComparer.Ordinal);
        foreach (var (name, value) in json["ranges"]!.AsObject())
        {
            var pair = value!.AsArray();
            ranges[name] = ((float)pair[0]!.GetValue<double>(), (float)pair[1]!.GetValue<double>());
        }
        return new CalibrationTable((string)json["model"]!, (string)json["method"]!, (int)json["images"]!, (string)json["source"]!, ranges);
    }

    public void Save(string path)
    {
        var ranges = new JsonObject();
        foreach (var (name, (min, max)) in Ranges.OrderBy(r => r.Key, StringComparer.Ordinal))
            ranges[name] = new JsonArray(JsonValue.Create(min), JsonValue.Create(max));
        var json = new JsonObject
        {
            ["format"] = Format,
            ["model"] = Model,
            ["method"] = Method,
            ["images"] = Images,
            ["source"] = Source,
            ["ranges"] = ranges,
        };
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>A hash of the ranges (not of the file's formatting), for cache keys.</summary>
    public string ContentHash()
    {
        var text = new StringBuilder();
        foreach (var (name, (min, max)) in Ranges.OrderBy(r => r.Key, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"{name} {min:R} {max:R}\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Update(Dictionary<string, (float Min, float Max)> ranges, string name, ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return;
        var (min, max) = ranges[name];
        ranges[name] = (MathF.Min(min, TensorPrimitives.Min(values)), MathF.Max(max, TensorPrimitives.Max(values)));
    }

    private static float Round6(float value) =>
        float.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Core.Learning;

namespace Lookalike.Core.Embedding;

/// <summary>
/// Describes an ONNX image model so Lookalike can run it: the graph chain, how pixels become the input tensor
/// and which output is the embedding. Stored as JSON (<c>manifest.json</c>); see docs/formats.md.
/// </summary>
/// <remarks>
/// The input tensor is built as <c>[1, 3, Height, Width]</c> (NCHW) float32, each value
/// <c>(pixel * Scale - Mean[c]) / Std[c]</c> with the planes in <see cref="ChannelOrder"/>; with
/// <see cref="BatchDimension"/> false the leading 1 is omitted. An output of rank 4 (<c>[1, C, H, W]</c>) is
/// pooled to C (<see cref="Pooling"/>, average by default); the result is L2-normalised. With <see cref="Augmentation"/> set, the mirrored photo
/// is embedded the same way and the two unit vectors are averaged and re-normalised.
/// </remarks>
public sealed record ModelManifest
{
    /// <summary>Short name, used in the model id (e.g. <c>resnet18</c>, <c>vgg16-fc2</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The graphs run one after another; at least one.</summary>
    public required IReadOnlyList<ModelGraph> Graphs { get; init; }

    /// <summary>Input width in pixels.</summary>
    public required int InputWidth { get; init; }

    /// <summary>Input height in pixels.</summary>
    public required int InputHeight { get; init; }

    /// <summary>How photos are fitted into the input size.</summary>
    public ResizeMode Resize { get; init; } = ResizeMode.Stretch;

    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    /// <summary>Multiplier applied to 0–255 pixel values first (1 keeps 0–255; 1/255 gives 0–1).</summary>
    public float Scale { get; init; } = 1f;

    /// <summary>Per-channel mean subtracted after scaling, in <see cref="ChannelOrder"/>; three values.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0f, 0f, 0f];

    /// <summary>Per-channel divisor applied after the mean, in <see cref="ChannelOrder"/>; three values.</summary>
    public IReadOnlyList<float> Std { get; init; } = [1f, 1f, 1f];

    /// <summary>Whether the first graph's input has a leading batch dimension.</summary>
    public bool BatchDimension { get; init; } = true;

    /// <summary>
    /// Test-time augmentation (default none). <see cref="TestTimeAugmentation.Flip"/> embeds the photo and its mirror
    /// image and averages the two unit vectors (then re-normalises); twice the embedding cost.
    /// </summary>
    public TestTimeAugmentation Augmentation { get; init; } = TestTimeAugmentation.None;

    /// <summary>
    /// How a <c>[1, C, H, W]</c> output becomes C values (default <c>avg</c>); <c>gem{p}</c> or <c>max</c> need the last
    /// graph's output to be a feature map with a spatial extent (for ResNet18, <c>ReLU393_Output_0</c> [1,512,7,7]),
    /// which may be an intermediate tensor of the graph: Lookalike then exposes it as an output in memory.
    /// </summary>
    public EmbeddingPooling Pooling { get; init; }

    /// <summary>Length of the embedding vector after pooling.</summary>
    public required int Dimension { get; init; }

    /// <summary>
    /// What the vector carries beyond the pooled one (default none). <see cref="HeadReadout.Regions"/> appends the
    /// feature map's 3×3 regions (<see cref="RegionVectors"/>), for a catalog that learns a head which reads them
    /// (<c>lookalike learn</c>); the vector is then <see cref="VectorDimension"/> long and needs a feature map output.
    /// </summary>
    public HeadReadout Readout { get; init; }

    /// <summary>Length of the stored vector: <see cref="Dimension"/>, or more with a <see cref="Readout"/>.</summary>
    [JsonIgnore]
    public int VectorDimension => Readout == HeadReadout.Regions ? RegionVectors.Dimension(Dimension) : Dimension;

    /// <summary>Folder relative file paths resolve against; set by <see cref="Load"/>, not serialised.</summary>
    [JsonIgnore]
    public string BaseDirectory { get; init; } = "";

    public ImageTarget Target => new(InputWidth, InputHeight, Resize);

    /// <summary>Absolute path of a graph's file.</summary>
    public string ResolvePath(ModelGraph graph) =>
        Path.GetFullPath(Path.IsPathRooted(graph.File) ? graph.File : Path.Combine(BaseDirectory, graph.File));

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Reads and validates a manifest file.</summary>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.ModelUnavailable"/> naming the file or field.</exception>
    public static ModelManifest Load(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new LookalikeException(LookalikeErrorKind.ModelUnavailable, $"Model manifest not found: {full}", full);
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(full), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new LookalikeException(LookalikeErrorKind.ModelUnavailable, $"Model manifest {full} is not valid: {e.Message}", full, e);
        }
        if (manifest is null)
            throw new LookalikeException(LookalikeErrorKind.ModelUnavailable, $"Model manifest {full} is empty.", full);
        manifest = manifest with { BaseDirectory = Path.GetDirectoryName(full)! };
        manifest.Validate(full);
        return manifest;
    }

    /// <summary>Checks every field and that the graph files exist.</summary>
    public void Validate(string source)
    {
        void Fail(string field, string why) =>
            throw new LookalikeException(LookalikeErrorKind.ModelUnavailable, $"Model manifest {source}: field '{field}' {why}", source);

        if (string.IsNullOrWhiteSpace(Name) || Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            Fail("name", "must be letters, digits, '-', '_' or '.'");
        if (Graphs is null || Graphs.Count == 0) Fail("graphs", "must list at least one ONNX graph");
        foreach (var g in Graphs!)
        {
            if (string.IsNullOrWhiteSpace(g.File) || string.IsNullOrWhiteSpace(g.Input) || string.IsNullOrWhiteSpace(g.Output))
                Fail("graphs", "entries need file, input and output");
            if (!File.Exists(ResolvePath(g))) Fail("graphs", $"names a file that does not exist: {ResolvePath(g)}");
        }
        if (InputWidth is < 1 or > 8192) Fail("inputWidth", "must be 1–8192");
        if (InputHeight is < 1 or > 8192) Fail("inputHeight", "must be 1–8192");
        if (Mean is null || Mean.Count != 3) Fail("mean", "must have three values");
        if (Std is null || Std.Count != 3 || Std.Any(s => s == 0 || !float.IsFinite(s))) Fail("std", "must have three non-zero values");
        if (!float.IsFinite(Scale) || Scale <= 0) Fail("scale", "must be a positive number");
        if (Dimension is < 1 or > 65536) Fail("dimension", "must be 1–65536");
        if (!Enum.IsDefined(Augmentation)) Fail("augmentation", "must be 'none' or 'flip'");
        if (!Enum.IsDefined(Readout)) Fail("readout", "must be 'none' or 'regions'");
        if (Readout == HeadReadout.Regions && Augmentation != TestTimeAugmentation.None)
            Fail("readout", "'regions' cannot be combined with flip augmentation: averaging a photo with its mirror image would mix its left and right regions");
    }
}

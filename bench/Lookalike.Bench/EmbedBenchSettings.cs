using Lookalike.Core.Embedding;
using Lookalike.Hosting.Ingest;

namespace Lookalike.Bench;

/// <summary>What <see cref="EmbedBenchmark.RunAsync"/> measures.</summary>
/// <param name="Images">Folder of photos (searched recursively).</param>
/// <param name="Model">Model name or manifest; null: resnet18.</param>
/// <param name="Choice">Workers, device, precision and batch, as an index run would use them.</param>
/// <param name="Seconds">Seconds per raw-model configuration, (0, 3600].</param>
/// <param name="EndToEnd">Also index the folder into a throw-away store.</param>
/// <param name="Torch">Path of torch_resnet18.py; null: searched; "none": skipped.</param>
/// <param name="TorchSeconds">Seconds per PyTorch configuration.</param>
/// <param name="QueryViews">Also time photo queries through these views as a server embeds them; null: skipped.</param>
/// <param name="Pairs">Then this many pairs, each the raw model as indexing runs it, the folder end to end, and the raw
/// model again; each pair's ratio is end to end over the mean of its two raw runs, so a machine whose speed drifts
/// during the pair moves both sides of it.</param>
public sealed record EmbedBenchSettings(string Images, string? Model, EmbedderChoice Choice, double Seconds, bool EndToEnd,
    string? Torch, double TorchSeconds, QueryViews? QueryViews = null, int Pairs = 0)
{
    public int Threads => Choice.Threads > 0 ? Choice.Threads : Environment.ProcessorCount;
}

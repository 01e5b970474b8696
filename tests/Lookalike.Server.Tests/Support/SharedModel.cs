using Lookalike.Core.Embedding;
using Lookalike.Hosting;

namespace Lookalike.Server.Tests.Support;

/// <summary>The real resnet18 session, one per test process (as in production: never one per request or per test).</summary>
public static class SharedModel
{
    private static readonly Lazy<IImageEmbedder> Lazy = new(() => LookalikeComponents.CreateEmbedder("resnet18"));

    public static IImageEmbedder Embedder => Lazy.Value;
}

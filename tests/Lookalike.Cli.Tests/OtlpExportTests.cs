using System.Collections.Concurrent;
using System.Text;
using Lookalike.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lookalike.Cli.Tests;

/// <summary>
/// <c>lookalike index --otlp</c> pushes Lookalike's counters to an OpenTelemetry collector: a real Kestrel on loopback
/// stands in for the collector's OTLP/HTTP receiver and keeps what it is sent.
/// </summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private WebApplication _collector = null!;
    private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> _received = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        _collector = builder.Build();
        _collector.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            _received.Enqueue((context.Request.Path.Value!, context.Request.ContentType, body.ToArray()));
            return Results.Ok();
        });
        await _collector.StartAsync();
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Fact]
    public void Index_WithOtlp_PushesIngestCountsAndEmbeddingLatencyToTheCollector()
    {
        using var temp = new TempDirectory();
        temp.CopySamples(3, "photos");
        File.WriteAllText(temp.Combine("photos", "broken.jpg"), "not a photo");

        var run = CliRunner.Run(temp.Path, "index", "photos", "--store", "store", "--otlp", _collector.Urls.Single());

        Assert.True(run.ExitCode == 0, run.Stderr);
        // Sent before the process exits: the export is flushed when the run ends.
        var metrics = _received.Where(r => r.Path == "/v1/metrics").ToList();
        Assert.NotEmpty(metrics);
        Assert.All(metrics, r => Assert.Equal("application/x-protobuf", r.ContentType));
        // OTLP is protobuf: names and string attribute values travel as UTF-8, so they can be found in the bytes.
        string sent = string.Join("\n", metrics.Select(r => Encoding.UTF8.GetString(r.Body)));
        Assert.Contains("lookalike.ingest.images", sent, StringComparison.Ordinal);
        Assert.Contains("lookalike.ingest.outcome", sent, StringComparison.Ordinal);
        Assert.Contains("added", sent, StringComparison.Ordinal);
        Assert.Contains("lookalike.embedding.duration", sent, StringComparison.Ordinal);
        Assert.Contains("lookalike.decode.failures", sent, StringComparison.Ordinal);
        Assert.Contains("UnsupportedImage", sent, StringComparison.Ordinal);
        Assert.Contains("service.name", sent, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_WithOtlpNotAnHttpUrl_UsageErrorNamingTheOption()
    {
        using var temp = new TempDirectory();
        temp.CopySamples(1, "photos");
        var run = CliRunner.Run(temp.Path, "index", "photos", "--store", "store", "--otlp", "file:///tmp/collector");
        Assert.Equal(1, run.ExitCode); // usage
        Assert.Contains("--otlp must be the collector's OTLP/HTTP address", run.Stderr, StringComparison.Ordinal);
    }
}

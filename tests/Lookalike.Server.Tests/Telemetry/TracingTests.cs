using System.Collections.Concurrent;
using System.Diagnostics;
using Lookalike.Hosting.Telemetry;
using Lookalike.Server.Tests.Support;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests.Telemetry;

/// <summary>
/// One span per request (ASP.NET Core's) with Lookalike's decode, embed and search spans as its children, on a real
/// Kestrel; the client's <c>traceparent</c> picks the trace, so other tests' spans never mix in.
/// </summary>
[Collection(OpenServerCollection.Name)]
public sealed class TracingTests(OpenServerFixture fixture)
{
    [Fact]
    public async Task PhotoSearch_OneRequestSpanWithDecodeEmbedSearchChildren()
    {
        var trace = ActivityTraceId.CreateRandom();
        var started = new ConcurrentQueue<Activity>();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is LookalikeTelemetry.Name or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = started.Enqueue,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using var client = fixture.Server.Client("127.0.0.9");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/search")
        {
            Content = UploadForm.Image(File.ReadAllBytes(fixture.UnusedPhoto(fixture.Catalog.Items[0].Class, 0)), "z.jpg"),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        // The request span stops after the answer is sent, so it is found among those started; its children all
        // stopped before the answer was written.
        var server = Assert.Single(started, s => s.TraceId == trace && s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(ActivityKind.Server, server.Kind);
        var children = stopped.Where(s => s.TraceId == trace && s.Source.Name == LookalikeTelemetry.Name).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal([LookalikeTelemetry.DecodeSpan, LookalikeTelemetry.EmbedSpan, LookalikeTelemetry.SearchSpan], children.Select(s => s.OperationName));
        Assert.All(children, s => Assert.Equal(server.SpanId, s.ParentSpanId));
    }
}

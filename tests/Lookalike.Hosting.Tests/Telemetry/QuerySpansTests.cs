using System.Collections.Concurrent;
using System.Diagnostics;
using Lookalike.Core.Retrieval;
using Lookalike.Hosting.Query;
using Lookalike.Hosting.Telemetry;
using Lookalike.TestKit;

namespace Lookalike.Hosting.Tests.Telemetry;

/// <summary>The pipeline's spans: decode, embed, search and re-rank, each a child of the caller's span, in that order.</summary>
[Collection(IndexedSamplesCollection.Name)]
public sealed class QuerySpansTests(IndexedSamplesFixture fixture)
{
    private const string CallerName = "Lookalike.Tests.Caller";
    private static readonly ActivitySource Caller = new(CallerName);

    [Fact]
    public void SimilarToImage_WithRerank_DecodeEmbedSearchRerankSpansUnderTheCallersSpan()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is LookalikeTelemetry.Name or CallerName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var reranking = QueryService.Open(fixture.Store, fixture.Decoder, () => LookalikeComponents.CreateEmbedder("resnet18"),
            new QueryOptions { Rerank = KReciprocalSpec.Parse("kr(k1=10,k2=3,shortlist=30)") });
        byte[] photo = File.ReadAllBytes(RepositoryPaths.SampleImages()[0]);

        ActivityTraceId trace;
        ActivitySpanId parent;
        using (var request = Caller.StartActivity("request")!)
        {
            trace = request.TraceId;
            parent = request.SpanId;
            Assert.NotEmpty(reranking.SimilarToImage(photo, "photo.jpg", 5).Results);
        }

        // Other tests' spans may be in the queue too: only this trace counts.
        var spans = stopped.Where(s => s.TraceId == trace && s.Source.Name == LookalikeTelemetry.Name).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal([LookalikeTelemetry.DecodeSpan, LookalikeTelemetry.EmbedSpan, LookalikeTelemetry.SearchSpan, LookalikeTelemetry.RerankSpan],
            spans.Select(s => s.OperationName));
        Assert.All(spans, s => Assert.Equal(parent, s.ParentSpanId));
        for (int i = 1; i < spans.Count; i++)
            Assert.True(spans[i - 1].StartTimeUtc + spans[i - 1].Duration <= spans[i].StartTimeUtc, $"{spans[i - 1].OperationName} ends before {spans[i].OperationName} starts");
    }
}

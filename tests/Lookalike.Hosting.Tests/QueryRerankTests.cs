using Lookalike.Core.Catalog;
using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;
using Lookalike.Hosting.Query;

namespace Lookalike.Hosting.Tests;

[Collection(IndexedSamplesCollection.Name)]
public sealed class QueryRerankTests(IndexedSamplesFixture fixture)
{
    [Fact]
    public void Similar_WithRerank_IsTheReRankedShortlist_SingleAndBatch()
    {
        var spec = KReciprocalSpec.Parse("kr(k1=10,k2=3,shortlist=30)");
        using var reranking = QueryService.Open(fixture.Store, fixture.Decoder, () => LookalikeComponents.CreateEmbedder("resnet18"), new QueryOptions { Rerank = spec });
        var ids = fixture.Store.ReadAll(withVectors: false).Select(i => i.Id).Order(ItemId.Ordinal).Take(3).ToList();
        var batch = reranking.SimilarBatch(ids.Select(i => i.Value).ToList(), 10);
        bool anyMoved = false;
        for (int q = 0; q < ids.Count; q++)
        {
            float[] vector = fixture.Query.Index.GetVector(ids[q])!;
            var shortlist = fixture.Query.Index.Search(vector, new SearchRequest(30, Exclude: ids[q]));
            var expected = KReciprocalRerank.Rerank(vector, shortlist, id => fixture.Query.Index.GetVector(id)!, spec).Take(10).Select(h => h.Id.Value).ToList();
            Assert.Equal(expected, reranking.Similar(ids[q].Value, 10).Results.Select(r => r.Id));
            Assert.Equal(expected, batch[q].Result!.Results.Select(r => r.Id));
            anyMoved |= !expected.SequenceEqual(fixture.Query.Similar(ids[q].Value, 10).Results.Select(r => r.Id));
        }
        Assert.True(anyMoved, "re-ranking changed at least one list");
    }
}

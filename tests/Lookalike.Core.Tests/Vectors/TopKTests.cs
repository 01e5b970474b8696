using Lookalike.Core.Vectors;

namespace Lookalike.Core.Tests.Vectors;

public class TopKTests
{
    [Fact]
    public void DrainSorted_RandomScores_EqualsFullSortReference()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = random.Next(1, 300), k = random.Next(1, 40);
            var scores = Enumerable.Range(0, n).Select(_ => (float)Math.Round(random.NextDouble(), 2)).ToArray();
            var heap = new TopK(k);
            for (int i = 0; i < n; i++) heap.Add(scores[i], i);
            var expected = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k).ToArray();
            Assert.Equal(expected, heap.DrainSorted().Select(x => x.Row).ToArray());
        }
    }

    [Fact]
    public void Add_NaN_IsIgnored()
    {
        var heap = new TopK(2);
        heap.Add(float.NaN, 0);
        heap.Add(0.5f, 1);
        Assert.Equal(new[] { 1 }, heap.DrainSorted().Select(x => x.Row).ToArray());
    }

    [Fact]
    public void Threshold_FullHeap_IsWorstKeptScore()
    {
        var heap = new TopK(2);
        Assert.Equal(float.NegativeInfinity, heap.Threshold);
        heap.Add(0.9f, 0);
        heap.Add(0.1f, 1);
        heap.Add(0.5f, 2);
        Assert.Equal(0.5f, heap.Threshold);
    }
}

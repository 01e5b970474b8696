using Lookalike.Core.Errors;
using Lookalike.Core.Search;

namespace Lookalike.Search.Tests;

public sealed class IndexSpecTests
{
    [Theory]
    [InlineData("exact", "exact")]
    [InlineData("auto", "auto")]
    [InlineData("hnsw", "hnsw(m=16,efc=128,ef=64,dtype=f32)")]
    [InlineData("HNSW(m=32, dtype=i8)", "hnsw(m=32,efc=128,ef=64,dtype=i8)")]
    [InlineData("hnsw(m=16,efc=128,ef=64,dtype=f16,rerank=true)", "hnsw(m=16,efc=128,ef=64,dtype=f16,rerank=true)")]
    public void Parse_PrintsCanonicalFormThatRoundTrips(string text, string canonical)
    {
        var spec = IndexSpec.Parse(text);
        Assert.Equal(canonical, spec.ToString());
        Assert.Equal(spec, IndexSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("flat")]
    [InlineData("hnsw(m=1)")]
    [InlineData("hnsw(m=16,m=8)")]
    [InlineData("hnsw(dtype=f64)")]
    [InlineData("hnsw(foo=1)")]
    [InlineData("hnsw(m)")]
    [InlineData("hnsw(m=16")]
    public void Parse_Invalid_NamesTheProblem(string text)
    {
        var e = Assert.Throws<LookalikeException>(() => IndexSpec.Parse(text));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void Auto_ResolvesByThreshold()
    {
        Assert.Equal(IndexKind.Exact, IndexSpec.Auto.Resolve(IndexSpec.AutoThreshold - 1).Kind);
        Assert.Equal(IndexKind.Hnsw, IndexSpec.Auto.Resolve(IndexSpec.AutoThreshold).Kind);
        Assert.Equal(IndexKind.Exact, IndexSpec.Exact.Resolve(10_000_000).Kind);
    }

    [Theory]
    [InlineData(3_000_000, "hnsw(m=16,efc=128,ef=64,dtype=f32)")]   // f32 estimate 6.1 GiB: fits a third of 24 GiB
    [InlineData(5_000_000, "hnsw(m=16,efc=128,ef=64,dtype=f16)")]   // f32 10.2 GiB does not; f16 5.4 GiB does
    [InlineData(10_000_000, "hnsw(m=16,efc=128,ef=64,dtype=i8,rerank=true)")] // f16 10.8 GiB does not
    [InlineData(40_000_000, "hnsw(m=16,efc=128,ef=64,dtype=i8,rerank=true)")] // nothing fits: the smallest
    public void Auto_KeepsTheGraphInAThirdOfMemory(int items, string expected)
    {
        const long Machine = 24L << 30;
        Assert.Equal(expected, IndexSpec.Auto.Resolve(items, 512, Machine).ToString());
        Assert.Equal("hnsw(m=16,efc=128,ef=64,dtype=f32)", IndexSpec.Auto.Resolve(items, 512, memoryBytes: 0).ToString()); // unknown memory: as before
        Assert.Equal(IndexKind.Exact, IndexSpec.Auto.Resolve(IndexSpec.AutoThreshold - 1, 512, 1L << 20).Kind);
        Assert.Equal("hnsw(m=4,efc=128,ef=64,dtype=f32)", IndexSpec.Parse("hnsw(m=4)").Resolve(items, 512, 1L << 20).ToString()); // explicit: never changed
    }

    [Fact]
    public void EstimatedBytesPerItem_ShrinksWithDType()
    {
        long f32 = IndexSpec.Parse("hnsw(dtype=f32)").EstimatedBytesPerItem(512);
        long f16 = IndexSpec.Parse("hnsw(dtype=f16)").EstimatedBytesPerItem(512);
        long i8 = IndexSpec.Parse("hnsw(dtype=i8)").EstimatedBytesPerItem(512);
        Assert.True(f32 > f16 && f16 > i8);
        Assert.Equal(2048, IndexSpec.Exact.EstimatedBytesPerItem(512));
    }
}

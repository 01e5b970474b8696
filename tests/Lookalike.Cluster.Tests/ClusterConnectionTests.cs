using Lookalike.Cluster;
using Lookalike.Core.Errors;

namespace Lookalike.Cluster.Tests;

public class ClusterConnectionTests
{
    [Theory]
    [InlineData("redis://127.0.0.1:6391", "127.0.0.1:6391", "lookalike")]
    [InlineData("redis://10.0.0.5/shop-eu", "10.0.0.5:6379", "shop-eu")]
    [InlineData("redis://cache.internal:7000/a_b/", "cache.internal:7000", "a_b")]
    public void Parse_ValidConnection_GivesRedisAndName(string text, string redis, string name)
    {
        var connection = ClusterConnection.Parse(text);
        Assert.Equal(redis, connection.Redis);
        Assert.Equal(name, connection.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:6379")]
    [InlineData("http://127.0.0.1:6379")]
    [InlineData("redis://127.0.0.1:6379/bad name")]
    public void Parse_Malformed_IsInvalidArgumentNamingTheOption(string text)
    {
        var e = Assert.Throws<LookalikeException>(() => ClusterConnection.Parse(text));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("--cluster", e.Message);
    }
}

using System.Net;
using System.Text.Json;

namespace Lookalike.Server.Tests.Support;

/// <summary>Assertions on problem-details responses.</summary>
public static class Problems
{
    /// <summary>
    /// Asserts an <c>application/problem+json</c> answer with <paramref name="status"/>, a title and a detail, no trace
    /// of an exception, and (when given) the error <paramref name="kind"/>; returns the parsed body.
    /// </summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string? kind = null)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        var root = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("detail").GetString()));
        if (kind is not null) Assert.Equal(kind, root.GetProperty("kind").GetString());
        return root;
    }
}

using System.Net;
using System.Net.Http.Json;
using Lookalike.Server.Tests.Support;

namespace Lookalike.Server.Tests;

/// <summary>
/// With an API key configured, a user's feedback (their likes, ratings and search texts) is readable only with the
/// key: 401 problem without it, the events with it (issue 13, finding 8).
/// </summary>
[Collection(HardenedServerCollection.Name)]
public sealed class FeedbackReadKeyTests(HardenedServerFixture fixture)
{
    [Fact]
    public async Task UserFeedback_WithAKeyConfigured_401WithoutIt_EventsWithIt()
    {
        using var client = fixture.Server.Client("127.0.2.1");
        const string path = "/api/users/private-person/feedback";
        using (var write = new HttpRequestMessage(HttpMethod.Post, path))
        {
            write.Headers.Add("X-Api-Key", HardenedServerFixture.ApiKey);
            write.Content = JsonContent.Create(new { kind = "search", query = "my secret search", item = fixture.Catalog.Items[0].Id });
            using var stored = await client.SendAsync(write);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        using (var anonymous = await client.GetAsync(path))
        {
            string body = await anonymous.Content.ReadAsStringAsync();
            Assert.DoesNotContain("my secret search", body, StringComparison.Ordinal);
            await Problems.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "Unauthorized");
        }
        using var keyed = new HttpRequestMessage(HttpMethod.Get, path);
        keyed.Headers.Add("X-Api-Key", HardenedServerFixture.ApiKey);
        using var read = await client.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("my secret search", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

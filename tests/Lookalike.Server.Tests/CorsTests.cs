using System.Net;
using Lookalike.Server.Tests.Support;
using static Lookalike.Server.Tests.Support.ApiFixture;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary>
/// With an allow-list (<c>--cors-origin https://shop.example</c>, on Kestrel): that origin may read with GET, no
/// other origin may, and no write is ever approved cross-origin — with or without the API key; without the key a write
/// from another origin (the allowed one included) is refused outright (403).
/// </summary>
[Collection(HardenedServerCollection.Name)]
public sealed class CorsTests(HardenedServerFixture fixture)
{
    private const string Allowed = HardenedServerFixture.AllowedOrigin;

    [Fact]
    public async Task Get_FromTheAllowedOrigin_AllowedForThatOriginOnly()
    {
        using var client = fixture.Server.Client("127.0.0.20");
        foreach (string path in new[] { "/api/items?pageSize=3", ItemPath(fixture.Catalog.Items[1].Id) + "/similar?k=3", "/api/info" })
        {
            using var response = await Send(client, HttpMethod.Get, path, Allowed);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
            Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        }
        using var other = await Send(client, HttpMethod.Get, "/api/items?pageSize=3", "https://evil.example");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode); // the server answers; the browser will not show it to the page
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_GetFromTheAllowedOrigin_Approved_WritesAndOtherOriginsNot()
    {
        using var client = fixture.Server.Client("127.0.0.21");
        using (var get = await Preflight(client, "/api/items", Allowed, "GET"))
        {
            Assert.True(get.IsSuccessStatusCode, $"{(int)get.StatusCode}");
            Assert.Equal(Allowed, Assert.Single(get.Headers.GetValues("Access-Control-Allow-Origin")));
            Assert.Contains("GET", string.Join(",", get.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        }
        foreach (var (path, method, headers) in new[] { ("/api/items", "POST", "x-api-key"), ("/api/items/images%2Fa.jpg", "DELETE", "x-api-key"), ("/api/search", "POST", "") })
        {
            using var write = await Preflight(client, path, Allowed, method, headers);
            AssertNotApproved(write, method, headers, $"{method} {path}");
        }
        using (var evil = await Preflight(client, "/api/items", "https://evil.example", "GET"))
        {
            AssertNotApproved(evil, "GET", "", "GET from another origin");
            Assert.False(evil.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public async Task Write_FromAnotherOrigin_EvenTheAllowedOne_403WithoutTheKey_AcceptedWithIt_NeverGivenCorsHeaders()
    {
        using var client = fixture.Server.Client("127.0.0.22");
        byte[] photo = await File.ReadAllBytesAsync(fixture.Catalog.Outside[1].Path);

        // The allow-list grants reads only: a write from that site is cross-site, refused before the key check.
        foreach (string origin in new[] { Allowed, "https://evil.example" })
        {
            using var noKey = new HttpRequestMessage(HttpMethod.Post, "/api/items") { Content = UploadForm.Image(photo, "x.jpg") };
            noKey.Headers.Add("Origin", origin);
            using var refused = await client.SendAsync(noKey);
            var problem = await Problems.AssertAsync(refused, HttpStatusCode.Forbidden, "Forbidden");
            Assert.Contains(origin, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        }

        // With the key (a script that sends an Origin; a browser page cannot send X-Api-Key cross-origin) it goes on.
        foreach (string origin in new[] { Allowed, "https://evil.example" })
        {
            using var withKey = new HttpRequestMessage(HttpMethod.Post, "/api/items") { Content = UploadForm.Image(photo, "x.jpg") };
            withKey.Headers.Add("Origin", origin);
            withKey.Headers.Add("X-Api-Key", HardenedServerFixture.ApiKey);
            using var added = await client.SendAsync(withKey);
            Assert.True(added.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{origin}: {(int)added.StatusCode}");
            Assert.False(added.Headers.Contains("Access-Control-Allow-Origin"));
        }
        // A wrong key is no key.
        using (var wrongKey = new HttpRequestMessage(HttpMethod.Post, "/api/items") { Content = UploadForm.Image(photo, "x.jpg") })
        {
            wrongKey.Headers.Add("Origin", Allowed);
            wrongKey.Headers.Add("X-Api-Key", "not-the-key");
            await Problems.AssertAsync(await client.SendAsync(wrongKey), HttpStatusCode.Forbidden, "Forbidden");
        }

        // A multipart search needs no preflight either; its answer could not be read cross-origin, so it is refused too.
        using var search = new HttpRequestMessage(HttpMethod.Post, "/api/search") { Content = UploadForm.Image(photo, "x.jpg") };
        search.Headers.Add("Origin", Allowed);
        using var found = await client.SendAsync(search);
        await Problems.AssertAsync(found, HttpStatusCode.Forbidden, "Forbidden");
        Assert.False(found.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public void CorsOrigin_NotAnOrigin_InvalidArgumentNamingTheFlag()
    {
        foreach (string bad in new[] { "*", "shop.example", "https://shop.example/", "https://shop.example/path", "ftp://shop.example" })
        {
            var e = Assert.Throws<Core.Errors.LookalikeException>(() => Http.CorsPolicies.CheckOrigin(bad, "--cors-origin"));
            Assert.Equal("--cors-origin", e.Subject);
        }
        Http.CorsPolicies.CheckOrigin("http://127.0.0.1:8080", "--cors-origin");
    }

    internal static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string origin)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request);
    }

    internal static async Task<HttpResponseMessage> Preflight(HttpClient client, string path, string origin, string method, string headers = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        if (headers.Length > 0) request.Headers.Add("Access-Control-Request-Headers", headers);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// A browser goes on only when the preflight names its origin and lists its method (and every header it asked
    /// for); the framework may name the origin while listing only the allowed methods, which a browser refuses.
    /// </summary>
    internal static void AssertNotApproved(HttpResponseMessage preflight, string method, string headers, string what)
    {
        static string[] Values(HttpResponseMessage r, string name) =>
            r.Headers.TryGetValues(name, out var v) ? v.SelectMany(x => x.Split(',')).Select(x => x.Trim()).ToArray() : [];
        bool origin = preflight.Headers.Contains("Access-Control-Allow-Origin");
        bool methodListed = Values(preflight, "Access-Control-Allow-Methods").Contains(method, StringComparer.OrdinalIgnoreCase);
        bool headersListed = headers.Length == 0 || headers.Split(',').All(h => Values(preflight, "Access-Control-Allow-Headers").Contains(h.Trim(), StringComparer.OrdinalIgnoreCase));
        Assert.False(origin && methodListed && headersListed, $"{what} was approved");
    }
}

/// <summary>CORS off by default (no allow-list): no response carries CORS headers, no preflight is approved.</summary>
[Collection(ApiCollection.Name)]
public sealed class CorsOffByDefaultTests(ApiFixture fixture)
{
    [Fact]
    public async Task NoAllowList_NoCorsHeadersAnywhere_NoPreflightApproved()
    {
        var client = fixture.Client;
        string item = ItemPath(fixture.Catalog.Items[0].Id);
        foreach (string path in new[] { "/api/items?pageSize=3", item, item + "/similar?k=3", "/api/info", "/health" })
        {
            using var response = await CorsTests.Send(client, HttpMethod.Get, path, "https://shop.example");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        }
        foreach (var (path, method) in new[] { ("/api/items", "GET"), ("/api/items", "POST"), ("/api/search", "POST") })
        {
            using var preflight = await CorsTests.Preflight(client, path, "https://shop.example", method);
            Assert.DoesNotContain(preflight.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
            Assert.False(preflight.IsSuccessStatusCode, $"preflight {method} {path}: {(int)preflight.StatusCode}");
        }
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lookalike.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lookalike.Feeds.Tests;

/// <summary>
/// A real Kestrel on 127.0.0.1 that serves the sample photos (with ETag and Last-Modified, answering conditional
/// requests with 304) and every hostile answer a feed's image URLs can give: 404, 500, a slow body, an endless body,
/// HTML instead of an image, a size lie, redirect loops and redirects to the metadata address or to file://.
/// Counts requests per path, so a test can see retries and conditional GETs.
/// </summary>
public sealed class HostileImageServer : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> NotModifiedAnswers { get; } = new(StringComparer.Ordinal);

    /// <summary>The sample photos by file name; <see cref="Replace"/> changes what one serves.</summary>
    public ConcurrentDictionary<string, byte[]> Photos { get; } = new(StringComparer.Ordinal);

    private int _heldInFlight;
    private int _heldMaxInFlight;

    /// <summary>The most <c>/held/</c> requests seen in flight at once (each is held until two are in flight).</summary>
    public int HeldMaxInFlight => Volatile.Read(ref _heldMaxInFlight);
    public TaskCompletionSource HeldGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Feeds served at <c>/feeds/{name}</c> (XML as application/xml, the rest as text/plain).</summary>
    public ConcurrentDictionary<string, string> Feeds { get; } = new(StringComparer.Ordinal);

    public Uri Url(string path) => new(BaseUrl, path);

    public void Replace(string name, byte[] bytes) => Photos[name] = bytes;

    public async Task InitializeAsync()
    {
        foreach (string path in RepositoryPaths.SampleImages().Take(12)) Photos[Path.GetFileName(path)] = await File.ReadAllBytesAsync(path);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            Requests.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            await next(context);
        });

        _app.MapGet("/photos/{name}", (HttpContext context, string name) =>
        {
            if (!Photos.TryGetValue(name, out var bytes)) return Results.NotFound();
            string etag = "\"" + Convert.ToHexString(SHA256.HashData(bytes))[..16] + "\"";
            if (context.Request.Headers.IfNoneMatch.Contains(etag))
            {
                NotModifiedAnswers.AddOrUpdate(name, 1, (_, n) => n + 1);
                return Results.StatusCode(304);
            }
            context.Response.Headers.ETag = etag;
            context.Response.Headers.LastModified = "Tue, 01 Dec 2026 10:00:00 GMT";
            return Results.Bytes(bytes, "image/jpeg");
        });
        _app.MapGet("/feeds/{name}", (string name) => Feeds.TryGetValue(name, out var text)
            ? Results.Text(text, name.EndsWith(".xml", StringComparison.Ordinal) ? "application/xml" : "text/plain")
            : Results.NotFound());
        _app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        _app.MapGet("/flaky/{key}", (string key) => Requests[$"/flaky/{key}"] <= 2 ? Results.StatusCode(503) : Results.Bytes(Photos.Values.First(), "image/jpeg"));
        _app.MapGet("/slow", async context =>
        {
            context.Response.ContentType = "image/jpeg";
            context.Response.ContentLength = 100_000;
            await context.Response.Body.WriteAsync(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 });
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted); // the rest never comes
        });
        _app.MapGet("/endless", async context =>
        {
            context.Response.ContentType = "image/jpeg";
            var chunk = new byte[64 << 10];
            chunk[0] = 0xFF; chunk[1] = 0xD8; chunk[2] = 0xFF;
            while (!context.RequestAborted.IsCancellationRequested) await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
        });
        _app.MapGet("/huge", context =>
        {
            context.Response.ContentType = "image/jpeg";
            context.Response.ContentLength = 10L << 30; // claims 10 GiB; a client must not start reading
            return context.Response.Body.WriteAsync(new byte[] { 0xFF, 0xD8, 0xFF }).AsTask();
        });
        _app.MapGet("/html", () => Results.Content("<!doctype html><html><body>Sign in to see this image</body></html>", "text/html"));
        _app.MapGet("/jpeg-as-text", () => Results.Bytes(Photos.Values.First(), "text/plain"));
        _app.MapGet("/loop/a", () => Results.Redirect("/loop/b"));
        _app.MapGet("/loop/b", () => Results.Redirect("/loop/a"));
        _app.MapGet("/chain/{n:int}", (int n) => n == 0 ? Results.Bytes(Photos.Values.First(), "image/jpeg") : Results.Redirect($"/chain/{n - 1}"));
        _app.MapGet("/to-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/iam/security-credentials/"));
        _app.MapGet("/to-file", () => Results.Redirect("file:///etc/passwd"));
        _app.MapGet("/moved/{name}", (string name) => Results.Redirect($"/photos/{name}", permanent: true));
        _app.MapGet("/held/{n:int}", async (int n) =>
        {
            int now = Interlocked.Increment(ref _heldInFlight);
            int max;
            while ((max = Volatile.Read(ref _heldMaxInFlight)) < now && Interlocked.CompareExchange(ref _heldMaxInFlight, now, max) != max) { }
            if (now >= 2) HeldGate.TrySetResult();
            await HeldGate.Task;
            Interlocked.Decrement(ref _heldInFlight);
            return Results.Bytes(Photos.Values.First(), "image/jpeg");
        });

        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.TrimEnd('/') + "/");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

using System.Net;
using Lookalike.Core.Imaging;
using Lookalike.Hosting;
using Lookalike.Server.Tests.Support;
using Lookalike.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Lookalike.Server.Tests;

/// <summary>
/// The upload path's decode time limit: an upload whose decode does not return (a test double: no real file hangs
/// Skia) is a 422 problem naming it once <see cref="LookalikeServerOptions.DecodeTimeoutSeconds"/> has passed, and
/// the server keeps answering. The server's decoders come from its own options (the limit included).
/// </summary>
public sealed class DecodeTimeoutApiTests : IDisposable
{
    private readonly SampleCatalog _catalog = SampleCatalog.Build(perClass: 1);
    private readonly List<BlockingDecoder> _doubles = [];
    private readonly LookalikeFactory _factory;

    public DecodeTimeoutApiTests()
    {
        _factory = new LookalikeFactory(_catalog.Store, o => o.DecodeTimeoutSeconds = 1, services =>
            services.AddSingleton<Func<ImageDecoderOptions, IImageDecoder>>(options =>
            {
                // The server's own composition, with the double inside the time limit.
                var real = LookalikeComponents.CreateDecoder(new ImageDecoderOptions { MaxFileBytes = options.MaxFileBytes, MaxPixels = options.MaxPixels, DecodeTimeout = TimeSpan.Zero });
                var blocking = new BlockingDecoder(real);
                lock (_doubles) _doubles.Add(blocking);
                Assert.Equal(TimeSpan.FromSeconds(1), options.DecodeTimeout);
                return new Hosting.Reliability.TimeLimitedImageDecoder(blocking, options.DecodeTimeout);
            }));
    }

    public void Dispose()
    {
        lock (_doubles) _doubles.ForEach(d => d.Dispose());
        _factory.Dispose();
        _catalog.Dispose();
    }

    [Fact]
    public async Task Search_DecodeNeverReturns_422NamingTheUpload_ServerKeepsAnswering()
    {
        using var client = _factory.CreateClient();
        byte[] photo = await File.ReadAllBytesAsync(_catalog.Outside[0].Path);

        using var stuck = await client.PostAsync("/api/search", UploadForm.Image(photo, $"{BlockingDecoder.HangMarker}.jpg"));
        var problem = await Problems.AssertAsync(stuck, HttpStatusCode.UnprocessableContent, "DecodeTimeout");
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("hang.jpg", detail, StringComparison.Ordinal);
        Assert.Contains("did not finish within 1 s", detail, StringComparison.Ordinal);
        Assert.Equal("hang.jpg", problem.GetProperty("subject").GetString());

        using var fine = await client.PostAsync("/api/search", UploadForm.Image(photo, "fine.jpg", ("k", "3")));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }
}

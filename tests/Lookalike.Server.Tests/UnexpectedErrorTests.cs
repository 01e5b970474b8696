using System.Net;
using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Imaging;
using Lookalike.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary>A bug inside the server becomes a 500 problem that says nothing about the bug (logged, not shown).</summary>
[Collection(ApiCollection.Name)]
public sealed class UnexpectedErrorTests(ApiFixture fixture)
{
    [Fact]
    public async Task Search_EmbedderThrows_500ProblemWithoutDetails()
    {
        using var factory = new LookalikeFactory(fixture.Catalog.Store).WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IImageEmbedder>(new FailingEmbedder(SharedModel.Embedder))));
        using var client = factory.CreateClient();
        byte[] photo = await File.ReadAllBytesAsync(fixture.Catalog.Outside[0].Path);

        using var response = await client.PostAsync("/api/search", UploadForm.Image(photo, "x.jpg"));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.InternalServerError, "Internal");
        string body = problem.GetRawText();
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain("/etc", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperation", body, StringComparison.Ordinal);
        // The server keeps serving.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    private sealed class FailingEmbedder(IImageEmbedder inner) : IImageEmbedder
    {
        public ModelId Model => inner.Model;
        public int Dimension => inner.Dimension;
        public ImageTarget Target => inner.Target;
        public void Embed(DecodedImage image, Span<float> destination) =>
            throw new InvalidOperationException("secret internals at /etc/lookalike");
        public void Dispose() { }
    }
}

using Lookalike.Core.Embedding;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Lookalike.Server.Tests.Support;

/// <summary>The real server app (Program) in memory over <paramref name="store"/>, sharing the test process's model session.</summary>
public sealed class LookalikeFactory(string store, Action<LookalikeServerOptions>? configure = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Lookalike:Store", store);
        // Functional tests send bursts of uploads; rate limits have their own tests on Kestrel (RateLimitTests).
        builder.UseSetting("Lookalike:UploadRateLimit", "off");
        builder.UseSetting("Lookalike:SimilarRateLimit", "off");
        builder.ConfigureTestServices(testServices =>
        {
            testServices.AddSingleton<IImageEmbedder>(SharedModel.Embedder);
            if (configure is not null) testServices.PostConfigure(configure);
            services?.Invoke(testServices);
        });
    }
}

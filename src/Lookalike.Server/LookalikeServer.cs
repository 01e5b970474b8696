namespace Lookalike.Server;

/// <summary>
/// The stand-alone server: <c>Program.cs</c> and <c>lookalike serve</c> both build the app here. What is registered, which
/// middleware runs in which order and which endpoints exist is in <see cref="LookalikeServiceCollectionExtensions"/>, which an
/// app of one's own uses the same way (<c>samples/HostedLookalike</c>).
/// </summary>
public static class LookalikeServer
{
    /// <summary>
    /// Builds the stand-alone app: <see cref="LookalikeServiceCollectionExtensions.AddLookalike"/>, loopback URLs and quiet request
    /// logs, then <see cref="LookalikeServiceCollectionExtensions.MapLookalike"/>. <paramref name="configure"/> runs after
    /// configuration binding (command-line options win).
    /// </summary>
    /// <param name="args">Host arguments, e.g. <c>--urls http://127.0.0.1:5000</c>.</param>
    /// <param name="configure">Overrides of the bound options.</param>
    /// <param name="contentRoot">Content root; null: the current directory.</param>
    /// <param name="register">Services registered before Lookalike's own, which they replace (e.g. <c>serve --cluster</c>'s
    /// <see cref="Hosting.IStoreBackend"/> and model session).</param>
    public static WebApplication Build(string[] args, Action<LookalikeServerOptions>? configure = null, string? contentRoot = null,
        Action<IServiceCollection>? register = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        var services = builder.Services;
        register?.Invoke(services);

        // Telemetry only when asked: a listener aggregates every measurement, which a server nobody scrapes need not
        // pay for. Registered first, so it listens before the catalog loads (the recommender's first build is measured).
        var probe = new LookalikeServerOptions();
        builder.Configuration.GetSection(LookalikeServerOptions.Section).Bind(probe);
        configure?.Invoke(probe);
        Uri? otlp = string.IsNullOrEmpty(probe.OtlpEndpoint) ? null : LookalikeTelemetryExtensions.ParseOtlpEndpoint(probe.OtlpEndpoint, nameof(probe.OtlpEndpoint));
        if (probe.Metrics || otlp is not null) services.AddLookalikeTelemetry(prometheus: probe.Metrics, otlp);

        services.AddLookalike(configure);

        // One log line per request would cost more than answering it; the "Logging" section can turn them back on.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Loopback unless told otherwise (--urls, ASPNETCORE_URLS, Kestrel:Endpoints).
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
            builder.WebHost.UseUrls(LookalikeServerOptions.DefaultUrl);

        var app = builder.Build();

        app.MapLookalike();
        if (probe.Metrics) app.MapLookalikeMetrics(); // /metrics
        return app;
    }
}

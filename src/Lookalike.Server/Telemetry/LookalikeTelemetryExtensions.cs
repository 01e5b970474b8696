using Lookalike.Hosting.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Metrics and traces with OpenTelemetry (docs/observability.md): ASP.NET Core's HTTP server metrics, the .NET runtime's
/// and Lookalike's own (<see cref="LookalikeTelemetry"/>), scraped in Prometheus text at <c>/metrics</c> and/or pushed
/// over OTLP; one span per request with children for decode, embed, search and re-rank. A host with its own
/// OpenTelemetry set-up adds <c>.AddMeter("Lookalike")</c> and <c>.AddSource("Lookalike")</c> to it instead.
/// </summary>
public static class LookalikeTelemetryExtensions
{
    /// <summary>The service name resources carry (<c>service.name</c>).</summary>
    public const string ServiceName = "lookalike";

    /// <param name="prometheus">Collect for the scrape endpoint (<see cref="MapLookalikeMetrics"/>).</param>
    /// <param name="otlpEndpoint">Where to push metrics and traces over OTLP (http/protobuf, e.g. http://127.0.0.1:4318); null: no push.</param>
    public static IServiceCollection AddLookalikeTelemetry(this IServiceCollection services, bool prometheus = true, Uri? otlpEndpoint = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(Describe)
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(LookalikeTelemetry.Name);
                if (prometheus) metrics.AddPrometheusExporter();
                if (otlpEndpoint is not null) metrics.AddOtlpExporter(o => Otlp(o, otlpEndpoint, "v1/metrics"));
            });
        // Spans only where they go somewhere: recording them for no exporter would cost every request for nothing.
        if (otlpEndpoint is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics")) // scrapes are not worth a trace
                .AddSource(LookalikeTelemetry.Name)
                .AddOtlpExporter(o => Otlp(o, otlpEndpoint, "v1/traces")));
        }
        return services;
    }

    /// <summary>Maps the Prometheus scrape endpoint (text exposition format) at <paramref name="path"/>.</summary>
    public static WebApplication MapLookalikeMetrics(this WebApplication app, string path = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPrometheusScrapingEndpoint(path);
        return app;
    }

    /// <summary>
    /// Pushes Lookalike's metrics and spans over OTLP from a process without a host (<c>lookalike index --otlp</c>)
    /// until the returned object is disposed, which exports what is left and flushes.
    /// </summary>
    /// <param name="endpoint">The collector's OTLP/HTTP base address, e.g. http://127.0.0.1:4318.</param>
    public static IDisposable StartOtlpExport(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var meters = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(Describe)
            .AddMeter(LookalikeTelemetry.Name)
            .AddRuntimeInstrumentation()
            .AddOtlpExporter(o => Otlp(o, endpoint, "v1/metrics"))
            .Build();
        var tracer = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(Describe)
            .AddSource(LookalikeTelemetry.Name)
            .AddOtlpExporter(o => Otlp(o, endpoint, "v1/traces"))
            .Build();
        return new Providers(meters, tracer);
    }

    /// <summary>Checks an OTLP endpoint option: an absolute http(s) URL.</summary>
    /// <exception cref="Lookalike.Core.Errors.LookalikeException">InvalidArgument naming <paramref name="option"/>.</exception>
    public static Uri ParseOtlpEndpoint(string value, string option)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw Lookalike.Core.Errors.LookalikeException.InvalidArgument(option,
                $"{option} must be the collector's OTLP/HTTP address, e.g. http://127.0.0.1:4318 (got '{value}').");
        return uri;
    }

    private static void Describe(ResourceBuilder resource) =>
        resource.AddService(ServiceName, serviceVersion: typeof(LookalikeTelemetry).Assembly.GetName().Version?.ToString());

    // OTLP over HTTP with protobuf: one port (4318) for both signals, no HTTP/2 needed between here and the collector.
    private static void Otlp(OtlpExporterOptions options, Uri endpoint, string signalPath)
    {
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        options.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
    }

    private sealed class Providers(MeterProvider? meters, TracerProvider? tracer) : IDisposable
    {
        public void Dispose()
        {
            meters?.ForceFlush();
            tracer?.ForceFlush();
            meters?.Dispose();
            tracer?.Dispose();
        }
    }
}

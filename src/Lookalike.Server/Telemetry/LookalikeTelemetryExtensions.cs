using Lookalike.Hosting.Telemetry;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Metrics and traces with OpenTelemetry (docs/observability.md): ASP.NET Core's HTTP server metrics, the .NET
/// runtime's, and Lookalike's own (<see cref="LookalikeTelemetry"/>), scraped in Prometheus text at <c>/metrics</c>;
/// one span per request with children for decode, embed, search and re-rank, exported over OTLP when an endpoint is
/// given. A host with its own OpenTelemetry set-up adds <c>.AddMeter("Lookalike")</c> and <c>.AddSource("Lookalike")</c>
/// to it instead.
/// </summary>
public static class LookalikeTelemetryExtensions
{
    /// <param name="otlpEndpoint">Where to push traces and metrics over OTLP/gRPC (e.g. http://127.0.0.1:4317); null: only the scrape endpoint.</param>
    public static IServiceCollection AddLookalikeTelemetry(this IServiceCollection services, Uri? otlpEndpoint = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        string? version = typeof(LookalikeTelemetry).Assembly.GetName().Version?.ToString();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("lookalike", serviceVersion: version))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(LookalikeTelemetry.Name)
                    .AddPrometheusExporter();
                if (otlpEndpoint is not null) metrics.AddOtlpExporter(o => Otlp(o, otlpEndpoint));
            })
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics"))
                    .AddSource(LookalikeTelemetry.Name);
                if (otlpEndpoint is not null) tracing.AddOtlpExporter(o => Otlp(o, otlpEndpoint));
            });
        return services;
    }

    /// <summary>Maps the Prometheus scrape endpoint (text exposition format) at <paramref name="path"/>.</summary>
    public static WebApplication MapLookalikeMetrics(this WebApplication app, string path = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPrometheusScrapingEndpoint(path);
        return app;
    }

    private static void Otlp(OtlpExporterOptions options, Uri endpoint)
    {
        options.Endpoint = endpoint;
        options.Protocol = OtlpExportProtocol.Grpc;
    }
}

using System.CommandLine;
using Lookalike.Cluster;
using Lookalike.Cluster.Backend;
using Lookalike.Cluster.Client;
using Lookalike.Core.Embedding;
using Lookalike.Hosting;
using Lookalike.Hosting.Serving;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Server;
using Lookalike.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lookalike.Cli.Commands;

/// <summary>
/// <c>lookalike serve</c>: the store as an HTTP API and a web page (see <c>Lookalike.Server</c>), one model session
/// and one loaded index for the whole process. Listens on 127.0.0.1 only unless <c>--urls</c> says otherwise.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Environment variable read when <c>--api-key</c> is not given.</summary>
    public const string ApiKeyVariable = "LOOKALIKE_API_KEY";

    public static Command Create()
    {
        var store = CommonOptions.Store();
        var model = CommonOptions.Model();
        var urls = Urls();
        var apiKey = new Option<string?>("--api-key")
        {
            Description = $"Require this key in the X-Api-Key header to add or remove items, record feedback and read a user's feedback (default: ${ApiKeyVariable}; without a key, writes are accepted from this machine only).",
        };
        var rateLimit = new Option<string?>("--rate-limit")
        {
            Description = "Image searches by upload and item additions per client IP, e.g. 10/s, 600/min, 1000/h; off disables (default 10/s). Over it: 429 with Retry-After.",
        };
        var similarRateLimit = new Option<string?>("--similar-rate-limit")
        {
            Description = "Look-alike and recommendation queries (GET …/similar, …/also, /api/users/…/recommendations, …/pair) per client IP, one budget, same syntax (default 100/s).",
        };
        var corsOrigins = new Option<string[]>("--cors-origin")
        {
            Description = "Let pages from this origin (e.g. https://shop.example) read the API with GET; repeatable. Default: no cross-origin access. Writes are never allowed cross-origin.",
        };
        var thumbnailRateLimit = new Option<string?>("--thumbnail-rate-limit")
        {
            Description = "Thumbnails not cached yet (each a full decode) per client IP, same syntax (default 600/min); cached thumbnails are never limited.",
        };
        var allowedHosts = new Option<string[]>("--allowed-hosts")
        {
            Description = "Host names this server answers for besides localhost, its IP addresses and the --urls hosts (e.g. shop.example, *.shop.example); repeatable. Other Host headers get 421 (stops DNS rebinding).",
            AllowMultipleArgumentsPerToken = true,
        };
        var decodeTimeout = CommonOptions.DecodeTimeout();
        var index = CommonOptions.Index();
        var metrics = new Option<bool>("--metrics")
        {
            Description = "Serve metrics at /metrics in Prometheus text: HTTP server, .NET runtime and Lookalike's own (docs/observability.md).",
        };
        var otlp = CommonOptions.Otlp();
        var watch = new Option<string?>("--watch")
        {
            Description = "Keep the store in step with this folder while serving (the folder it was indexed from): new, changed and deleted photos are indexed or removed within seconds, without a restart.",
        };
        var watchLabels = new Option<string?>("--watch-labels")
        {
            Description = "With --watch: a CSV with a 'file' column and metadata columns, read again on every run.",
        };
        var cluster = ClusterOptions.Cluster();
        var command = new Command("serve", "Serve the store: a JSON API (OpenAPI at /openapi/v1.json) and a web page to browse it by look.")
        {
            store, urls, model, index, apiKey, rateLimit, similarRateLimit, thumbnailRateLimit, corsOrigins, allowedHosts, decodeTimeout,
            metrics, otlp, watch, watchLabels, cluster,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(() =>
        {
            var limits = Limits(parse.GetValue(rateLimit), parse.GetValue(similarRateLimit), parse.GetValue(corsOrigins), parse.GetValue(decodeTimeout));
            if (parse.GetValue(thumbnailRateLimit) is { } thumbnails)
            {
                _ = RateLimit.Parse(thumbnails, "--thumbnail-rate-limit");
                limits += o => o.ThumbnailRateLimit = thumbnails;
            }
            if (parse.GetValue(allowedHosts) is { Length: > 0 } hosts)
            {
                new LookalikeServerOptions { AllowedHosts = hosts }.Validate(); // a bad name is a usage error now
                limits += o => o.AllowedHosts = hosts;
            }
            if (parse.GetValue(metrics)) limits += o => o.Metrics = true;
            if (parse.GetValue(otlp) is { Length: > 0 } collector)
            {
                _ = LookalikeTelemetryExtensions.ParseOtlpEndpoint(collector, "--otlp");
                limits += o => o.OtlpEndpoint = collector;
            }
            if (parse.GetValue(watchLabels) is { } watchedLabels)
            {
                if (parse.GetValue(watch) is null) throw LookalikeException.InvalidArgument("--watch-labels", "--watch-labels needs --watch FOLDER.");
                limits += o => o.WatchLabels = Path.GetFullPath(watchedLabels);
            }
            if (parse.GetValue(watch) is { } watched)
            {
                string folder = Path.GetFullPath(watched);
                if (!Directory.Exists(folder)) throw LookalikeException.NotFound(watched, $"--watch: folder not found: {folder}");
                limits += o => o.Watch = folder;
            }
            if (parse.GetValue(index) is { } spec)
            {
                _ = IndexSpec.Parse(spec); // a bad spec is a usage error now, not a failed start
                limits += o => o.Index = spec;
            }
            if (parse.GetValue(cluster) is { } connection)
            {
                if (parse.GetValue(watch) is not null) throw LookalikeException.InvalidArgument("--watch", "--watch is not supported with --cluster: index into the cluster instead.");
                return RunClusterAsync(connection, parse.GetValue(store), parse.GetValue(urls)!, parse.GetValue(model), parse.GetValue(apiKey), limits, cancellationToken);
            }
            return RunAsync(parse.GetValue(store), parse.GetValue(urls)!, parse.GetValue(model), parse.GetValue(apiKey), limits, cancellationToken);
        }));
        return command;
    }

    /// <summary>Checks the limit flags now (a bad value is a usage error naming the flag) and returns what they override.</summary>
    private static Action<LookalikeServerOptions> Limits(string? rateLimit, string? similarRateLimit, string[]? corsOrigins, int? decodeTimeout)
    {
        if (rateLimit is not null) _ = RateLimit.Parse(rateLimit, "--rate-limit");
        if (similarRateLimit is not null) _ = RateLimit.Parse(similarRateLimit, "--similar-rate-limit");
        foreach (string origin in corsOrigins ?? []) CorsPolicies.CheckOrigin(origin, "--cors-origin");
        var timeout = CommonOptions.DecodeTimeoutOf(decodeTimeout);
        return o =>
        {
            // Given flags win; otherwise the Lookalike__* configuration (or the default) stays.
            if (rateLimit is not null) o.UploadRateLimit = rateLimit;
            if (similarRateLimit is not null) o.SimilarRateLimit = similarRateLimit;
            if (corsOrigins is { Length: > 0 }) o.CorsOrigins = corsOrigins;
            if (timeout is { } t) o.DecodeTimeoutSeconds = (int)t.TotalSeconds;
        };
    }

    /// <summary>The <c>--urls</c> option, shared with <c>demo</c>.</summary>
    public static Option<string> Urls() => new("--urls")
    {
        Description = $"Where to listen, ';'-separated (default {LookalikeServerOptions.DefaultUrl}: this machine only; http://0.0.0.0:5000 for every interface).",
        DefaultValueFactory = _ => LookalikeServerOptions.DefaultUrl,
    };

    private static string DescribeLimits(LookalikeServerOptions o) =>
        $"per-client limits: uploads {RateLimit.Parse(o.UploadRateLimit, "")}, similar {RateLimit.Parse(o.SimilarRateLimit, "")}, new thumbnails {RateLimit.Parse(o.ThumbnailRateLimit, "")}; " +
        (o.AllowedHosts.Length == 0 ? "" : $"also answers for {string.Join(", ", o.AllowedHosts)}; ") +
        (o.CorsOrigins.Length == 0 ? "cross-origin access off" : $"cross-origin GET for {string.Join(", ", o.CorsOrigins)}");

    /// <summary>Serves until Ctrl+C (or <paramref name="cancellationToken"/>); a store that cannot be served fails before listening.</summary>
    public static Task<int> RunAsync(string? storeOption, string urls, string? model, string? apiKey, CancellationToken cancellationToken) =>
        RunAsync(storeOption, urls, model, apiKey, null, cancellationToken);

    /// <summary>Serves until Ctrl+C; <paramref name="limits"/> overrides limit options after the others.</summary>
    public static Task<int> RunAsync(string? storeOption, string urls, string? model, string? apiKey, Action<LookalikeServerOptions>? limits,
        CancellationToken cancellationToken) =>
        RunAsync(StoreLocation.Resolve(storeOption), urls, model, apiKey, limits, register: null, cancellationToken);

    /// <summary>
    /// <c>serve --cluster</c>: the same server with the cluster as its catalog (<see cref="ClusterStoreBackend"/>);
    /// <paramref name="storeOption"/>, when given, is this server's own folder (uploads, thumbnails). Several servers may
    /// serve one cluster.
    /// </summary>
    private static async Task<int> RunClusterAsync(string connection, string? storeOption, string urls, string? model, string? apiKey,
        Action<LookalikeServerOptions>? limits, CancellationToken cancellationToken)
    {
        var address = ClusterConnection.Parse(connection);
        await using var session = await ClusterSession.OpenAsync(address, cancellationToken);
        string location = Path.GetFullPath(storeOption ?? ClusterStoreBackend.DefaultLocation(address));
        var backend = new ClusterStoreBackend(session, location);
        // The model session for photo queries and uploads: the cluster's model (or --model), as a store's recorded one.
        var recorded = backend.OpenCatalog(new LookalikeStoreOptions()).Model;
        return await RunAsync(location, urls, model, apiKey, limits, services =>
        {
            services.AddSingleton<IStoreBackend>(backend);
            // Loaded in the background, as for a local store: the cluster's catalog answers before the model session is ready.
            services.AddSingleton<IImageEmbedder>(_ => new BackgroundEmbedder(LookalikeComponents.ModelFor(recorded, model), () => LookalikeComponents.CreateEmbedderFor(recorded, model)));
        }, cancellationToken);
    }

    private static async Task<int> RunAsync(string store, string urls, string? model, string? apiKey, Action<LookalikeServerOptions>? limits,
        Action<IServiceCollection>? register, CancellationToken cancellationToken)
    {
        string? key = string.IsNullOrEmpty(apiKey) ? Environment.GetEnvironmentVariable(ApiKeyVariable) : apiKey;
        await using var app = LookalikeServer.Build(
            ["--urls", urls],
            o =>
            {
                o.Store = store;
                // Given options win; otherwise the Lookalike__Model / Lookalike__ApiKey configuration stays.
                if (!string.IsNullOrEmpty(model)) o.Model = model;
                if (!string.IsNullOrEmpty(key)) o.ApiKey = key;
                limits?.Invoke(o);
            },
            contentRoot: AppContext.BaseDirectory,
            register: register);
        // Open the store and load index and model now, so a bad store is a plain CLI error (exit 2), not a crashed host.
        var catalog = app.Services.GetRequiredService<ServerCatalog>();
        catalog.EnsureLoaded();
        await app.StartAsync(cancellationToken);
        await Console.Error.WriteLineAsync(
            $"serving {catalog.Query.Count:N0} items from {store} at {string.Join(", ", app.Urls)} — open it in a browser; API at /api, OpenAPI at /openapi/v1.json; Ctrl+C stops"
            + (catalog.WritesNeedApiKey ? "; writes need X-Api-Key" : "") + "; " + DescribeLimits(app.Services.GetRequiredService<IOptions<LookalikeServerOptions>>().Value)
            + (catalog.FolderSync is { } sync ? $"; watching {sync.Folder}" : "")
            + (app.Services.GetRequiredService<IOptions<LookalikeServerOptions>>().Value.Metrics ? "; metrics at /metrics" : ""));
        await app.WaitForShutdownAsync(cancellationToken);
        return CommandRunner.Ok;
    }
}

using System.CommandLine;
using Lookalike.Hosting;
using Lookalike.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
            Description = $"Require this key in the X-Api-Key header to add or remove items (default: ${ApiKeyVariable}, else writes are open).",
        };
        var command = new Command("serve", "Serve the store: a JSON API (OpenAPI at /openapi/v1.json) and a web page to browse it by look.")
        {
            store, urls, model, apiKey,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(() =>
            RunAsync(parse.GetValue(store), parse.GetValue(urls)!, parse.GetValue(model), parse.GetValue(apiKey), cancellationToken)));
        return command;
    }

    /// <summary>The <c>--urls</c> option, shared with <c>demo</c>.</summary>
    public static Option<string> Urls() => new("--urls")
    {
        Description = $"Where to listen, ';'-separated (default {LookalikeServerOptions.DefaultUrl}: this machine only; http://0.0.0.0:5000 for every interface).",
        DefaultValueFactory = _ => LookalikeServerOptions.DefaultUrl,
    };

    /// <summary>Serves until Ctrl+C (or <paramref name="cancellationToken"/>); a store that cannot be served fails before listening.</summary>
    public static async Task<int> RunAsync(string? storeOption, string urls, string? model, string? apiKey, CancellationToken cancellationToken)
    {
        string store = StoreLocation.Resolve(storeOption);
        string? key = string.IsNullOrEmpty(apiKey) ? Environment.GetEnvironmentVariable(ApiKeyVariable) : apiKey;
        await using var app = LookalikeServer.Build(
            ["--urls", urls],
            o =>
            {
                o.Store = store;
                // Given options win; otherwise the Lookalike__Model / Lookalike__ApiKey configuration stays.
                if (!string.IsNullOrEmpty(model)) o.Model = model;
                if (!string.IsNullOrEmpty(key)) o.ApiKey = key;
            },
            contentRoot: AppContext.BaseDirectory);
        // Open the store and load index and model now, so a bad store is a plain CLI error (exit 2), not a crashed host.
        var catalog = app.Services.GetRequiredService<ServerCatalog>();
        catalog.EnsureLoaded();
        await app.StartAsync(cancellationToken);
        await Console.Error.WriteLineAsync(
            $"serving {catalog.Query.Count:N0} items from {store} at {string.Join(", ", app.Urls)} — open it in a browser; API at /api, OpenAPI at /openapi/v1.json; Ctrl+C stops"
            + (catalog.WritesNeedApiKey ? "; writes need X-Api-Key" : ""));
        await app.WaitForShutdownAsync(cancellationToken);
        return CommandRunner.Ok;
    }
}

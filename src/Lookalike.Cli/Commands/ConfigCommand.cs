using System.CommandLine;
using Lookalike.Cli.Output;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Learning;
using Lookalike.Hosting;
using Lookalike.Hosting.Reliability;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike config</c>: show or change a store's settings (today: how photo queries are embedded).</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var views = new Option<string?>("--query-views")
        {
            Description = "How photo queries (similar PHOTO, uploads to POST /api/search, the page's photo search, photo seeds) are embedded: " +
                          "views joined by + from full, zoom, corners, mask, loc, averaged (e.g. full+zoom); 'full' (the default) embeds the whole photo as the catalog was. " +
                          "A running server picks the change up when it restarts.",
        };
        var command = new Command("config", "Show or change a store's settings: --query-views LIST. Without an option, prints them.") { store, json, views };
        command.SetAction((parse, _) => CommandRunner.RunAsync(() =>
        {
            string storeDirectory = StoreLocation.Resolve(parse.GetValue(store));
            if (parse.GetValue(views) is { } text)
            {
                var parsed = Parse(text);
                using var writerLock = StoreWriterLock.Acquire(storeDirectory);
                using var writable = LookalikeComponents.OpenStore(storeDirectory, create: false);
                if (!parsed.IsFull && writable.Model is { } model && !LookalikeComponents.CanCompute(model))
                    throw LookalikeException.InvalidArgument("query-views",
                        $"--query-views {text}: store {writable.Location} holds imported vectors of model '{model}', which this build cannot run on photos; only 'full' applies.");
                if (!parsed.IsFull && writable.Model is { } regions && RegionVectors.Carries(regions))
                    throw LookalikeException.InvalidArgument("query-views",
                        $"--query-views {text}: store {writable.Location} holds vectors of model '{regions}', which carry each photo's regions, so a query photo is embedded whole; only 'full' applies.");
                writable.SetQueryViews(parsed);
                if (!parse.GetValue(json)) Console.Error.WriteLine($"{writable.Location}: photo queries now go through query views '{parsed}'");
            }
            using var catalog = LookalikeComponents.OpenStore(storeDirectory, create: false);
            var current = catalog.QueryViews;
            if (parse.GetValue(json)) JsonOutput.WriteLine(new Dictionary<string, object?> { ["query_views"] = current.ToString(), ["network_runs_per_photo_query"] = current.NetworkRuns });
            else Console.WriteLine($"query-views {current} ({current.NetworkRuns} network run(s) per photo query)");
            return Task.FromResult(CommandRunner.Ok);
        }));
        return command;
    }

    /// <exception cref="LookalikeException">InvalidArgument naming the option and the value: unknown views, or <c>:max</c> (eval only).</exception>
    internal static QueryViews Parse(string text)
    {
        QueryViews parsed;
        try
        {
            parsed = QueryViews.Parse(text);
        }
        catch (LookalikeException e) when (e.Kind == LookalikeErrorKind.InvalidArgument)
        {
            throw LookalikeException.InvalidArgument("query-views", $"--query-views: {e.Message}");
        }
        if (parsed.Combine == ViewCombination.Max)
            throw LookalikeException.InvalidArgument("query-views",
                $"--query-views '{text}': a store's views are averaged into one query vector; ':max' (one search per view) is for 'lookalike eval' only.");
        return parsed;
    }
}

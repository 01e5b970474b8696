using System.CommandLine;

namespace Lookalike.Cli.Commands;

/// <summary>The <c>--cluster</c> option: a verb with it is a client of a cluster instead of opening a local store.</summary>
internal static class ClusterOptions
{
    public static Option<string?> Cluster(bool required = false) => new("--cluster")
    {
        Description = "A Lookalike cluster, redis://HOST:PORT[/NAME] (the Redis holding its membership): the command runs against the cluster, not a local store.",
        Required = required,
    };
}

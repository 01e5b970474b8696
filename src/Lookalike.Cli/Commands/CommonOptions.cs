using System.CommandLine;

namespace Lookalike.Cli.Commands;

/// <summary>Options shared by several verbs; each verb gets its own instance.</summary>
internal static class CommonOptions
{
    public static Option<string?> Store() => new("--store")
    {
        Description = "Store folder (default: $LOOKALIKE_STORE, else ./.lookalike).",
    };

    public static Option<string?> Model() => new("--model")
    {
        Description = "Model: 'resnet18' (built in) or the path of a manifest.json, optionally with '+flip' (flip test-time augmentation) and/or '+gem3' ('+gem{p}', '+max': pool the last feature map), e.g. resnet18+flip+gem3. index: default resnet18+gem3 for a new store, the store's own model for an existing one; query commands: the store's own model (from its recorded id), so it never has to be repeated.",
    };

    public static Option<string?> Index() => new("--index")
    {
        Description = "Vector index: auto (exact below 50,000 items, HNSW above), exact, or hnsw(m=16,efc=128,ef=64,dtype=f32|f16|i8,rerank=true).",
    };

    public static Option<string?> Rerank() => new("--rerank")
    {
        Description = "Re-rank each result list: kr (k-reciprocal, defaults) or kr(k1=20,k2=6,lambda=0.3,shortlist=100) (default: off).",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print machine-readable JSON on stdout.",
    };

    public static Option<int> K(int defaultValue) => new("-k", "--k")
    {
        Description = $"Number of look-alikes per query, 1–1000 (default {defaultValue}).",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<string[]> Where() => new("--where")
    {
        Description = "Metadata filter column=value; repeat for more (same column: any of; different columns: all).",
        AllowMultipleArgumentsPerToken = false,
    };
}

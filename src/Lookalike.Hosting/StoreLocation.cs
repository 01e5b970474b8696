namespace Lookalike.Hosting;

/// <summary>Where the store lives: <c>--store DIR</c>, else the <c>LOOKALIKE_STORE</c> environment variable, else <c>./.lookalike</c>.</summary>
public static class StoreLocation
{
    public const string EnvironmentVariable = "LOOKALIKE_STORE";
    public const string DefaultFolder = ".lookalike";

    public static string Resolve(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option)) return Path.GetFullPath(option);
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        return Path.GetFullPath(DefaultFolder);
    }
}

namespace HostedLookalike;

/// <summary>
/// A shop's own web app that hosts Lookalike: its own endpoints beside Lookalike's API and page. The store comes from
/// configuration (<c>Lookalike:Store</c> in appsettings.json, <c>--Lookalike:Store DIR</c>, or <c>LOOKALIKE_STORE</c>).
/// </summary>
public sealed class ShopHost
{
    public static void Main(string[] args) => Build(args).Run();

    /// <summary>The app, ready to run; tests start it with their own store (the class is the entry point they name).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddLookalike(options => options.MaxK = 50); // options bound from "Lookalike", then these overrides

        var app = builder.Build();
        app.MapGet("/shop/hello", () => Results.Text("A shop with look-alikes: try /api/items/{id}/similar"));
        app.MapLookalike();
        return app;
    }
}

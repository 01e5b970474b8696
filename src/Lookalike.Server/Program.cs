// lookalike-server: the HTTP API and web page over a store. `lookalike serve` runs the same app;
// see LookalikeServer.Build for the table of contents and README.md ("Serve") for usage.
using Lookalike.Server;

var app = LookalikeServer.Build(args);
app.Run();

/// <summary>The entry point, public for <c>WebApplicationFactory&lt;Program&gt;</c> in tests.</summary>
public partial class Program;

using System.CommandLine;
using Lookalike.Cli.Commands;

var root = new RootCommand("lookalike — find products that look alike: index a folder of photos, then ask for look-alikes.")
{
    DemoCommand.Create(),
    IndexCommand.Create(),
    WatchCommand.Create(),
    SimilarCommand.Create(),
    ServeCommand.Create(),
    ReportCommand.Create(),
    ExplainCommand.Create(),
    ExportCommand.Create(),
    InfoCommand.Create(),
    BenchCommand.Create(),
    VectorsCommand.Create(),
    FeedbackCommand.Create(),
    RecommendCommand.Create(),
    EvalRecsCommand.Create(),
    EvalCommand.Create(),
    LearnCommand.Create(),
    ConfigCommand.Create(),
    VerifyCommand.Create(),
    CompactCommand.Create(),
    SiloCommand.Create(),
    ClusterCommand.Create(),
};
return await root.Parse(args).InvokeAsync();

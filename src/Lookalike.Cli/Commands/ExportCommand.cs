using System.CommandLine;
using Lookalike.Hosting;
using Lookalike.Hosting.Export;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike export --out vectors.npy</c>: vectors for numpy/FAISS users.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "The .npy file to write; ids go to <name>.ids.txt beside it.", Required = true };
        var store = CommonOptions.Store();
        var command = new Command("export", "Export all vectors as an N×D float32 .npy plus an ids file (same row order).")
        {
            output, store,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            using var opened = CliStore.Open(parse.GetValue(store));
            string path = Path.GetFullPath(parse.GetValue(output)!);
            var (rows, dimension) = VectorExporter.Export(opened.Catalog, path);
            await Console.Error.WriteLineAsync($"wrote {rows}×{dimension} float32 to {path} and ids to {VectorExporter.IdsPathFor(path)}");
            return CommandRunner.Ok;
        }));
        return command;
    }
}

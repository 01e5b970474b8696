using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Catalog;

/// <summary>
/// Item metadata from a CSV file: a <c>file</c> column with the image path relative to the indexed folder
/// ('/' or '\' separated) and any other columns, which become metadata. Header row required.
/// </summary>
public sealed class LabelsFile
{
    public const string FileColumn = "file";

    private LabelsFile(string path, IReadOnlyDictionary<ItemId, IReadOnlyDictionary<string, string>> rows, IReadOnlyList<string> columns)
    {
        Path = path;
        Rows = rows;
        Columns = columns;
    }

    public string Path { get; }

    /// <summary>Metadata by item id.</summary>
    public IReadOnlyDictionary<ItemId, IReadOnlyDictionary<string, string>> Rows { get; }

    /// <summary>The metadata columns, in file order (without <c>file</c>).</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Reads and checks the file.</summary>
    /// <exception cref="LookalikeException">NotFound, or InvalidArgument naming the file, line and field.</exception>
    public static LabelsFile Load(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw LookalikeException.NotFound(full, $"Labels file not found: {full}");
        try
        {
            using var reader = new StreamReader(full);
            using var csv = new CsvReader(reader, CsvFiles.Lenient);
            if (!csv.Read() || !csv.ReadHeader())
                throw LookalikeException.InvalidArgument(full, $"Labels file {full} is empty; expected a header row with a '{FileColumn}' column.");
            string[] header = csv.HeaderRecord ?? [];
            int fileIndex = Array.FindIndex(header, h => string.Equals(h, FileColumn, StringComparison.OrdinalIgnoreCase));
            if (fileIndex < 0)
                throw LookalikeException.InvalidArgument(full,
                    $"Labels file {full} has no '{FileColumn}' column (columns: {string.Join(", ", header)}).");
            var columns = header.Where((_, i) => i != fileIndex).ToList();
            var rows = new Dictionary<ItemId, IReadOnlyDictionary<string, string>>();
            while (csv.Read())
            {
                int line = csv.Parser.RawRow;
                string? file = csv.GetField(fileIndex);
                if (string.IsNullOrWhiteSpace(file))
                    throw LookalikeException.InvalidArgument(full, $"{full}, line {line}: empty '{FileColumn}' value.");
                if (!ItemId.TryParse(file.Replace('\\', '/'), out var id))
                    throw LookalikeException.InvalidArgument(full, $"{full}, line {line}: '{file}' is not a relative path inside the folder.");
                if (rows.ContainsKey(id))
                    throw LookalikeException.InvalidArgument(full, $"{full}, line {line}: '{file}' appears more than once.");
                var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                for (int i = 0; i < header.Length; i++)
                {
                    if (i == fileIndex) continue;
                    string? value = i < csv.Parser.Count ? csv.GetField(i) : null;
                    if (!string.IsNullOrEmpty(value)) metadata[header[i]] = value;
                }
                rows[id] = metadata;
            }
            return new LabelsFile(full, rows, columns);
        }
        catch (CsvHelperException e)
        {
            throw LookalikeException.InvalidArgument(full, $"Labels file {full} is not valid CSV: {e.Message}");
        }
    }
}

using System.Globalization;
using CsvHelper.Configuration;

namespace Lookalike.Hosting.Catalog;

/// <summary>How Lookalike reads the CSV files people hand it (labels, feedback): comma, semicolon or tab, trimmed cells, ragged rows allowed (checked by the reader's own rules).</summary>
internal static class CsvFiles
{
    public static CsvConfiguration Lenient { get; } = new(CultureInfo.InvariantCulture)
    {
        DetectDelimiter = true,
        TrimOptions = TrimOptions.Trim,
        BadDataFound = null,
        MissingFieldFound = null,
    };
}

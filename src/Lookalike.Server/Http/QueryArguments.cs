using System.Globalization;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;

namespace Lookalike.Server.Http;

/// <summary>Checks the shared query arguments against the server's limits; every failure is a 400 naming the argument.</summary>
internal static class QueryArguments
{
    /// <summary><c>k</c>, or the default; must be 1–<see cref="LookalikeServerOptions.MaxK"/>.</summary>
    public static int K(int? k, LookalikeServerOptions options)
    {
        int value = k ?? options.DefaultK;
        if (value < 1 || value > options.MaxK)
            throw LookalikeException.InvalidArgument("k", $"k must be between 1 and {options.MaxK}; got {value}.");
        return value;
    }

    /// <summary>Parses a <c>k</c> given as text (a form field).</summary>
    public static int K(string? k, LookalikeServerOptions options)
    {
        if (k is null) return K((int?)null, options);
        if (!int.TryParse(k, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw LookalikeException.InvalidArgument("k", $"k must be a whole number between 1 and {options.MaxK}; got '{Printable(k)}'.");
        return K(value, options);
    }

    /// <summary><c>where=column:value</c> conditions (repeatable; same column: any of, different columns: all).</summary>
    public static ItemFilter Where(string[]? where) =>
        where is null || where.Length == 0 ? ItemFilter.None : ItemFilter.Parse(where, ':');

    /// <summary>1-based page number, default 1.</summary>
    public static int Page(int? page)
    {
        int value = page ?? 1;
        if (value < 1) throw LookalikeException.InvalidArgument("page", $"page must be 1 or more; got {value}.");
        return value;
    }

    /// <summary>Page size, default and maximum from the options.</summary>
    public static int PageSize(int? pageSize, LookalikeServerOptions options)
    {
        int value = pageSize ?? options.DefaultPageSize;
        if (value < 1 || value > options.MaxPageSize)
            throw LookalikeException.InvalidArgument("pageSize", $"pageSize must be between 1 and {options.MaxPageSize}; got {value}.");
        return value;
    }

    /// <summary>Thumbnail size (longest side in pixels), 16 up to the configured maximum.</summary>
    public static int ThumbnailSize(int? size, LookalikeServerOptions options)
    {
        int value = size ?? options.DefaultThumbnailSize;
        if (value < 16 || value > options.MaxThumbnailSize)
            throw LookalikeException.InvalidArgument("size", $"size must be between 16 and {options.MaxThumbnailSize} pixels; got {value}.");
        return value;
    }

    private static string Printable(string value) => new(value.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

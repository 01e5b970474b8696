using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Serving;

/// <summary>
/// Which photo files a server may read for an item: only regular files whose real path (every symbolic link along the
/// way resolved) lies under the indexed folder or the store's uploads folder. A photo replaced by a link to
/// <c>/etc/passwd</c>, to a device such as <c>/dev/zero</c>, or a folder linked out of the catalog is not a photo of
/// this catalog: it is reported missing (404), never read. Links that stay inside the allowed folders are fine.
/// </summary>
public sealed class PhotoFiles
{
    private readonly string[] _roots;

    /// <param name="indexedRoot">The folder the catalog was indexed from; null when none (imported vectors).</param>
    /// <param name="uploadsFolder">Where uploaded photos are kept.</param>
    public PhotoFiles(string? indexedRoot, string uploadsFolder)
    {
        ArgumentNullException.ThrowIfNull(uploadsFolder);
        _roots = new[] { indexedRoot, uploadsFolder }
            .Where(r => !string.IsNullOrEmpty(r))
            .Select(r => WithSeparator(RealPath(Path.GetFullPath(r!))))
            .ToArray();
    }

    /// <summary>The real path of <paramref name="item"/>'s photo, checked; the caller opens that path.</summary>
    /// <exception cref="LookalikeException">NotFound when the file is gone, not a regular file, or outside the allowed folders.</exception>
    public string Resolve(CatalogItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        string real;
        try
        {
            real = RealPath(Path.GetFullPath(item.Path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw Missing(item);
        }
        var info = new FileInfo(real);
        // FIFOs, sockets and devices report no size (st_size 0), and an empty file is no photo either.
        bool regular = info.Exists && info.LinkTarget is null && info.Length > 0
                       && (info.Attributes & (FileAttributes.Directory | FileAttributes.Device | FileAttributes.ReparsePoint)) == 0;
        if (!regular || !_roots.Any(root => real.StartsWith(root, PathComparison))) throw Missing(item);
        return real;
    }

    private static LookalikeException Missing(CatalogItem item) =>
        LookalikeException.NotFound(item.Id.Value, $"The photo of item '{item.Id}' is no longer where it was indexed.");

    /// <summary>The path with every symbolic link resolved, component by component (a missing tail is kept as it is).</summary>
    internal static string RealPath(string fullPath)
    {
        string root = Path.GetPathRoot(fullPath) ?? "/";
        string current = root;
        var parts = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            string next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                next = RealPath(Path.GetFullPath(target.FullName));
            current = next;
        }
        return current;
    }

    private static string WithSeparator(string path) =>
        path.EndsWith(Path.DirectorySeparatorChar) ? path : path + Path.DirectorySeparatorChar;

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
}

using System.Runtime.InteropServices;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// Flushes a folder's entries (a file created or renamed in it) to disk, so a file a commit is about to name survives a
/// power loss together with that commit. Best effort on POSIX hosts (where a folder can be opened and fsynced); a no-op
/// elsewhere, where the file system orders this itself.
/// </summary>
internal static partial class DirectorySync
{
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return;
        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try
        {
            FSync(fd);
        }
        finally
        {
            Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

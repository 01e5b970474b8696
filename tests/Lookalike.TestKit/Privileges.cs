using System.Runtime.InteropServices;

namespace Lookalike.TestKit;

/// <summary>
/// Runs code with the file-system identity of an unprivileged user, so permission tests mean something when the suite
/// runs as root (as CI does: root ignores file modes). Uses <c>setfsuid</c>/<c>setfsgid</c>, which act on the calling
/// thread only and drop root's file capabilities (CAP_DAC_OVERRIDE …) while the ids are non-zero; they are restored
/// afterwards. Everything inside must run synchronously on this thread.
/// </summary>
public static class Privileges
{
    /// <summary>The conventional unprivileged user and group (<c>nobody</c>/<c>nogroup</c>).</summary>
    public const int Nobody = 65534;

    /// <summary>Gives <paramref name="path"/> and everything under it to <paramref name="uid"/>:<paramref name="gid"/> (root only).</summary>
    public static void GiveTo(string path, int uid = Nobody, int gid = Nobody)
    {
        Check(chown(path, uid, gid), path);
        if (!Directory.Exists(path)) return;
        foreach (string entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories)) Check(chown(entry, uid, gid), entry);
    }

    /// <summary>Runs <paramref name="action"/> on this thread with file-system uid and gid <paramref name="uid"/>/<paramref name="gid"/> (root only).</summary>
    public static void AsUser(Action action, int uid = Nobody, int gid = Nobody)
    {
        ArgumentNullException.ThrowIfNull(action);
        Require.Root("switching the file-system user");
        _ = setfsgid(gid);
        _ = setfsuid(uid);
        try
        {
            // setfsuid reports the previous id and never fails loudly: ask again to be sure the switch happened.
            if (setfsuid(-1) != uid || setfsgid(-1) != gid) throw new InvalidOperationException("setfsuid/setfsgid did not take effect");
            action();
        }
        finally
        {
            _ = setfsuid(0);
            _ = setfsgid(0);
        }
    }

    private static void Check(int result, string path)
    {
        if (result != 0) throw new IOException($"chown {path} failed: errno {Marshal.GetLastPInvokeError()}");
    }

#pragma warning disable CA5392, SYSLIB1054 // plain libc calls; no marshalling beyond ints and one string
    [DllImport("libc", SetLastError = true)]
    private static extern int setfsuid(int uid);

    [DllImport("libc", SetLastError = true)]
    private static extern int setfsgid(int gid);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
#pragma warning restore CA5392, SYSLIB1054
}

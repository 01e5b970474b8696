using System.Globalization;

namespace Lookalike.TestKit;

/// <summary>
/// A process's peak resident memory (Linux <c>VmHWM</c>): the kernel's high-water mark, so a short spike between
/// samples is not missed the way sampling the working set misses it.
/// </summary>
public static class PeakMemory
{
    /// <summary>VmHWM of <paramref name="pid"/> in bytes, or null when it cannot be read (not Linux, process gone).</summary>
    public static long? Read(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return 1024 * long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>Resets the high-water mark of <paramref name="pid"/> to its current RSS (Linux ≥ 4.0); false when it cannot.</summary>
    public static bool Reset(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}

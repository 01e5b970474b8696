using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

// Every type crossing the native boundary is blittable; nothing needs the runtime marshaller.
[assembly: DisableRuntimeMarshalling]

namespace Lookalike.Search.USearch;

/// <summary>
/// The C API of libusearch_c (shipped in the Cloud.Unum.USearch package). The package's managed wrapper lacks
/// filtered search, memory usage and thread settings, so we bind the few functions we use ourselves, reusing
/// the package's enums so their values always match its native library.
/// Every call reports failure through <c>error</c>, checked by <see cref="UsearchErrors.Check"/>.
/// </summary>
internal static unsafe partial class UsearchNative
{
    private const string Library = "libusearch_c";

    /// <summary>Mirror of <c>usearch_init_options_t</c> (blittable: the C <c>bool</c> is one byte).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct InitOptions
    {
        public MetricKind MetricKind;
        public nint Metric;
        public ScalarKind Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        public byte Multi;
    }

    [LibraryImport(Library)]
    public static partial nint usearch_init(ref InitOptions options, out nint error);

    [LibraryImport(Library)]
    public static partial void usearch_free(nint index, out nint error);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void usearch_save(nint index, string path, out nint error);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void usearch_load(nint index, string path, out nint error);

    [LibraryImport(Library)]
    public static partial void usearch_load_buffer(nint index, nint buffer, nuint length, out nint error);

    [LibraryImport(Library)]
    public static partial nuint usearch_size(nint index, out nint error);

    [LibraryImport(Library)]
    public static partial nuint usearch_capacity(nint index, out nint error);

    /// <summary>The SIMD target USearch dispatched this index's distance kernel to (e.g. "skylake", "serial"); a static string.</summary>
    [LibraryImport(Library)]
    public static partial nint usearch_hardware_acceleration(nint index, out nint error);

    [LibraryImport(Library)]
    public static partial nuint usearch_memory_usage(nint index, out nint error);

    [LibraryImport(Library)]
    public static partial void usearch_reserve(nint index, nuint capacity, out nint error);

    [LibraryImport(Library)]
    public static partial void usearch_change_expansion_search(nint index, nuint expansion, out nint error);

    [LibraryImport(Library)]
    public static partial void usearch_change_threads_add(nint index, nuint threads, out nint error);

    [LibraryImport(Library)]
    public static partial void usearch_change_threads_search(nint index, nuint threads, out nint error);

    [LibraryImport(Library)]
    public static partial void usearch_add(nint index, ulong key, float* vector, ScalarKind vectorKind, out nint error);

    [LibraryImport(Library)]
    public static partial nuint usearch_get(nint index, ulong key, nuint count, float* vector, ScalarKind vectorKind, out nint error);

    [LibraryImport(Library)]
    public static partial nuint usearch_remove(nint index, ulong key, out nint error);

    [LibraryImport(Library)]
    public static partial nuint usearch_search(nint index, float* query, ScalarKind queryKind, nuint count, ulong* keys, float* distances, out nint error);

    [LibraryImport(Library)]
    public static partial nuint usearch_filtered_search(
        nint index, float* query, ScalarKind queryKind, nuint count,
        delegate* unmanaged<ulong, nint, int> filter, nint filterState,
        ulong* keys, float* distances, out nint error);
}

/// <summary>The one place native USearch errors become exceptions.</summary>
internal static class UsearchErrors
{
    /// <exception cref="InvalidOperationException">The native call reported an error.</exception>
    public static void Check(nint error, string operation)
    {
        if (error != 0)
            throw new InvalidOperationException($"USearch {operation} failed: {Marshal.PtrToStringUTF8(error)}");
    }
}

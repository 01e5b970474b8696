using System.Runtime.Intrinsics.X86;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// Whether this CPU has the int8 dot-product instructions ONNX Runtime's quantised kernels are built around (VNNI or
/// AMX). Without them int8 convolutions run on plain multiply-adds and gain far less over fp32, so the default
/// precision of a new store is int8 only where this finds one (docs/benchmarks.md, "int8 by default").
/// </summary>
public static class Int8Hardware
{
    /// <summary>The best instruction set found (<c>amx-int8</c>, <c>avx512-vnni</c>, <c>avx-vnni</c>), or null when none.</summary>
    public static string? DotProduct { get; } = Detect();

    private static string? Detect()
    {
        // CPUID leaf 7: EDX bit 25 AMX-INT8, ECX bit 11 AVX512-VNNI; the AVX-512 forms are usable only where the OS
        // saves the AVX-512 state, which Avx512F.IsSupported already checks. AVX-VNNI (VEX) the runtime reports itself.
        if (X86Base.IsSupported && X86Base.CpuId(0, 0).Eax >= 7)
        {
            (_, _, int ecx, int edx) = X86Base.CpuId(7, 0);
            if (Avx512F.IsSupported && (edx & (1 << 25)) != 0) return "amx-int8";
            if (Avx512F.IsSupported && (ecx & (1 << 11)) != 0) return "avx512-vnni";
        }
        return AvxVnni.IsSupported ? "avx-vnni" : null;
    }
}

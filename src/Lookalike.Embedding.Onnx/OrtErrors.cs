using Lookalike.Core.Errors;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// The one place where ONNX Runtime's native status (surfaced as <see cref="OnnxRuntimeException"/>) becomes a
/// domain error. Every call into a session goes through here, so no native error escapes this adapter untyped.
/// </summary>
internal static class OrtErrors
{
    /// <summary>A model file or graph that cannot be used, naming the file as the subject.</summary>
    public static LookalikeException ModelUnavailable(string file, string message, Exception? inner = null) =>
        new(LookalikeErrorKind.ModelUnavailable, message, file, inner);

    /// <summary>Runs <paramref name="call"/>; an ONNX Runtime failure becomes <see cref="LookalikeErrorKind.ModelUnavailable"/> naming <paramref name="file"/>.</summary>
    /// <param name="file">The .onnx file the call concerns.</param>
    /// <param name="what">What was being done, for the message ("load", "run").</param>
    public static T Call<T>(string file, string what, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (OnnxRuntimeException e)
        {
            throw ModelUnavailable(file, $"ONNX Runtime could not {what} model {file}: {e.Message}", e);
        }
    }

    /// <summary>As <see cref="Call{T}"/> for a call without a result.</summary>
    public static void Call(string file, string what, Action call)
    {
        try
        {
            call();
        }
        catch (OnnxRuntimeException e)
        {
            throw ModelUnavailable(file, $"ONNX Runtime could not {what} model {file}: {e.Message}", e);
        }
    }
}

using Lookalike.Core.Errors;

namespace Lookalike.Cli.Commands;

/// <summary>
/// Runs a verb and turns typed errors into exit codes, in one place: 0 ok, 1 usage, 2 bad input, 70 internal error
/// (sysexits' EX_SOFTWARE), 130 cancelled by Ctrl+C (128 + SIGINT, as shells report it). README.md lists them.
/// </summary>
internal static class CommandRunner
{
    /// <summary>The verb did what was asked.</summary>
    public const int Ok = 0;
    /// <summary>A bad option or value: the command line needs fixing.</summary>
    public const int Usage = 1;
    /// <summary>The input is missing or unusable (file, store, image, model).</summary>
    public const int BadInput = 2;
    /// <summary>A bug: an exception that is not a <see cref="LookalikeException"/>.</summary>
    public const int Internal = 70;
    /// <summary>Cancelled (Ctrl+C / SIGINT).</summary>
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (LookalikeException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCode(e.Kind);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return Cancelled;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"internal error: {e.GetType().Name}: {e.Message}");
            return Internal;
        }
    }

    public static int ExitCode(LookalikeErrorKind kind) => kind switch
    {
        LookalikeErrorKind.InvalidArgument => Usage,
        LookalikeErrorKind.NotFound
            or LookalikeErrorKind.UnsupportedImage
            or LookalikeErrorKind.CorruptImage
            or LookalikeErrorKind.ImageTooLarge
            or LookalikeErrorKind.DecodeTimeout
            or LookalikeErrorKind.ModelUnavailable
            or LookalikeErrorKind.ModelMismatch
            or LookalikeErrorKind.StoreCorrupt
            or LookalikeErrorKind.StoreUnavailable
            or LookalikeErrorKind.IoFailure => BadInput,
        // The HTTP-only kinds (Unauthorized … Timeout) are never thrown by a verb; if one were, it is a bug.
        _ => Internal,
    };
}

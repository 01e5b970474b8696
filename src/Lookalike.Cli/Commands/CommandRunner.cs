using Lookalike.Core.Errors;

namespace Lookalike.Cli.Commands;

/// <summary>Runs a verb and turns typed errors into exit codes, in one place: 0 ok, 1 usage, 2 bad input, 70 internal.</summary>
internal static class CommandRunner
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int BadInput = 2;
    public const int Internal = 70;

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
            return 130;
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
        _ => Internal,
    };
}

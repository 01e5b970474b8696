namespace Lookalike.Core.Errors;

/// <summary>
/// A caller-facing failure with a typed <see cref="Kind"/> and the <see cref="Subject"/> it concerns
/// (a file path, an item id, an option name). Internal bugs are not reported through this type.
/// </summary>
public sealed class LookalikeException : Exception
{
    public LookalikeException(LookalikeErrorKind kind, string message, string? subject = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Subject = subject;
    }

    public LookalikeErrorKind Kind { get; }

    /// <summary>The file, item id or field the error is about; null when not tied to one.</summary>
    public string? Subject { get; }

    public static LookalikeException InvalidArgument(string field, string message) =>
        new(LookalikeErrorKind.InvalidArgument, message, field);

    public static LookalikeException NotFound(string subject, string message) =>
        new(LookalikeErrorKind.NotFound, message, subject);
}

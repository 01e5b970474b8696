using Lookalike.Core.Errors;

namespace Lookalike.Core.Feedback;

/// <summary>
/// A person who gives feedback: any caller-chosen string (a customer number, an anonymised hash, a session id),
/// 1–256 characters, no control characters, compared ordinally. Validated on construction.
/// </summary>
public readonly record struct UserId
{
    public const int MaxLength = 256;

    private UserId(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>Parses a user- or file-supplied user id.</summary>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.InvalidArgument"/> with the reason.</exception>
    public static UserId Parse(string? value)
    {
        string? error = Validate(value);
        if (error is not null) throw LookalikeException.InvalidArgument("user", $"Invalid user id '{Printable(value)}': {error}.");
        return new UserId(value!);
    }

    public static bool TryParse(string? value, out UserId id)
    {
        id = default;
        if (Validate(value) is not null) return false;
        id = new UserId(value!);
        return true;
    }

    /// <summary>Why <paramref name="value"/> is not a user id, or null when it is one.</summary>
    public static string? Validate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "it is empty";
        if (value.Length > MaxLength) return $"it is longer than {MaxLength} characters";
        foreach (char c in value)
        {
            if (char.IsControl(c)) return "it contains a control character";
        }
        return null;
    }

    private static string Printable(string? value) =>
        value is null ? "" : new string(value.Take(120).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

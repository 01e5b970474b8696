using System.Globalization;
using Lookalike.Core.Errors;

namespace Lookalike.Server.Http;

/// <summary>
/// A per-client request rate: <see cref="Permits"/> requests per fixed <see cref="Window"/>, written <c>10/s</c>,
/// <c>600/min</c> or <c>1000/h</c>; <c>off</c> (or <c>0</c>) is no limit. Parses and prints back.
/// </summary>
/// <param name="Permits">Requests allowed per window; 0 means no limit.</param>
/// <param name="Window">Length of the window: one second, minute or hour.</param>
public readonly record struct RateLimit(int Permits, TimeSpan Window)
{
    /// <summary>No limit.</summary>
    public static RateLimit Off { get; } = new(0, TimeSpan.Zero);

    public bool IsOff => Permits == 0;

    /// <summary>Parses <c>N/s</c>, <c>N/min</c>, <c>N/h</c>, a bare <c>N</c> (per second), <c>off</c> or <c>0</c>.</summary>
    /// <param name="text">The rate.</param>
    /// <param name="field">The option or flag the text came from, named in the error.</param>
    /// <exception cref="LookalikeException">InvalidArgument naming <paramref name="field"/>.</exception>
    public static RateLimit Parse(string? text, string field)
    {
        string value = (text ?? "").Trim();
        if (value.Length == 0 || value.Equals("off", StringComparison.OrdinalIgnoreCase) || value == "0") return Off;
        int slash = value.IndexOf('/', StringComparison.Ordinal);
        string count = slash < 0 ? value : value[..slash];
        string unit = slash < 0 ? "s" : value[(slash + 1)..].Trim().ToLowerInvariant();
        TimeSpan? window = unit switch
        {
            "s" or "sec" or "second" => TimeSpan.FromSeconds(1),
            "m" or "min" or "minute" => TimeSpan.FromMinutes(1),
            "h" or "hour" => TimeSpan.FromHours(1),
            _ => null,
        };
        if (!int.TryParse(count.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int permits) || permits is < 0 or > 1_000_000 || window is null)
            throw LookalikeException.InvalidArgument(field,
                $"{field} must be a rate like 10/s, 600/min or 1000/h (at most 1,000,000 per window), or off; got '{value}'.");
        return permits == 0 ? Off : new RateLimit(permits, window.Value);
    }

    public override string ToString() =>
        IsOff ? "off" : string.Create(CultureInfo.InvariantCulture, $"{Permits}/{(Window.TotalHours >= 1 ? "h" : Window.TotalMinutes >= 1 ? "min" : "s")}");
}

using System.CommandLine;
using Lookalike.Hosting.Learning;

namespace Lookalike.Cli.Commands;

/// <summary>How feedback becomes positive pairs (<see cref="FeedbackPairing"/>), shared by <c>learn --feedback</c> and <c>eval-recs --learn</c>.</summary>
internal sealed class PairingOptions
{
    private static readonly FeedbackPairing Defaults = FeedbackPairing.Default;
    private readonly Option<int> _window = new("--pair-window") { Description = $"Feedback: pair choices at most this many days apart (0 = same day, i.e. the same basket; default {Defaults.WindowDays}).", DefaultValueFactory = _ => Defaults.WindowDays };
    private readonly Option<int> _partners = new("--pair-partners") { Description = $"Feedback: each choice pairs with at most this many later choices of the same person, nearest first (default {Defaults.PartnersPerChoice}).", DefaultValueFactory = _ => Defaults.PartnersPerChoice };
    private readonly Option<int> _perItem = new("--pairs-per-item") { Description = "Feedback: an item takes part in at most this many pairs, so bestsellers do not dominate (default 0 = no cap).", DefaultValueFactory = _ => Defaults.MaxPairsPerItem };

    public void AddTo(Command command)
    {
        command.Options.Add(_window);
        command.Options.Add(_partners);
        command.Options.Add(_perItem);
    }

    /// <summary>True when the command line names any pairing option (they apply to feedback only).</summary>
    public bool Given(ParseResult parse) =>
        parse.GetResult(_window) is { Implicit: false } || parse.GetResult(_partners) is { Implicit: false } || parse.GetResult(_perItem) is { Implicit: false };

    /// <exception cref="Core.Errors.LookalikeException">InvalidArgument naming the option out of range.</exception>
    public FeedbackPairing Read(ParseResult parse) => new FeedbackPairing
    {
        WindowDays = parse.GetValue(_window),
        PartnersPerChoice = parse.GetValue(_partners),
        MaxPairsPerItem = parse.GetValue(_perItem),
    }.Validated();
}

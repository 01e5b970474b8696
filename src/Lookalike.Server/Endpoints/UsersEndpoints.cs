using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using Lookalike.Hosting.Recommendations;
using Lookalike.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Lookalike.Server.Endpoints;

/// <summary>
/// <c>/api/users/{user}</c>: what a person told us (feedback), what they may like (recommendations) and which two items
/// to ask them about next (pair). The user id is one percent-encoded path segment (see <see cref="UserRoute"/>).
/// Thin over <see cref="RecommendationService"/>, which the CLI's <c>feedback</c> and <c>recommend</c> verbs share.
/// </summary>
public static class UsersEndpoints
{
    /// <summary>Largest candidate pool of <c>/pair</c>.</summary>
    public const int MaxPairPool = 100;

    /// <summary>Most events <c>GET …/feedback</c> returns.</summary>
    public const int MaxFeedbackLimit = 1000;

    public static RouteGroupBuilder MapUsersEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users/{user}").WithTags("Users");

        group.MapPost("/feedback", AddFeedback)
            .WithName("AddFeedback")
            .WithSummary("Record feedback: one event or a list (rating, like, dislike, view, purchase, prefer, ranking, favorite, search)")
            .WithDescription("Malformed events (bad kind, value or field) are a 400 listing each one, and nothing is stored. Events about unknown items are reported per event in `errors` and the rest is stored; when every event names an unknown item: 404. Recommendations see the events at once.")
            .Accepts<FeedbackEventBody[]>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddEndpointFilter<ApiKeyFilter>();

        group.MapGet("/feedback", GetFeedback)
            .WithName("GetFeedback")
            .WithSummary("The user's newest stored events, oldest of them first (limit, default 100); needs the API key when one is set")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .AddEndpointFilter<ApiKeyFilter>();

        group.MapGet("/recommendations", GetRecommendations)
            .WithName("GetRecommendations")
            .WithSummary("Items this user may like, best first, with scores and the strategy used")
            .WithDescription("strategy=popular|visual|visualknn|itemknn|userknn|hybrid (default hybrid; a user without feedback gets popular items, noted in query.note). Items the user already touched are excluded. Same shape as `lookalike recommend --json`.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/pair", GetPair)
            .WithName("GetPreferencePair")
            .WithSummary("Two items to ask \"which do you prefer?\" about: relevant to the user and visually far apart; 204 when there are not two candidates")
            .WithDescription("Record the answer with POST …/feedback {\"kind\":\"prefer\",\"item\":chosen,\"over\":other}.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    /// <summary>What <c>POST …/feedback</c> did.</summary>
    /// <param name="User">Whose feedback.</param>
    /// <param name="Received">Events in the body.</param>
    /// <param name="Accepted">Events whose items were all found.</param>
    /// <param name="Stored">Stored events (a ranking of n items is n events; repeats of an imported source are skipped).</param>
    /// <param name="Errors">One per event that was not stored (unknown item).</param>
    /// <param name="ChangedItems">Item columns of the CF matrix that changed.</param>
    /// <param name="RecomputedLists">Neighbour lists recomputed in full by the incremental refresh.</param>
    public sealed record FeedbackResponse(string User, int Received, int Accepted, int Stored, IReadOnlyList<FeedbackRowError> Errors, int ChangedItems, int RecomputedLists);

    /// <summary>One stored event.</summary>
    public sealed record FeedbackEventView(long Sequence, string Kind, string Item, string? Other, double? Value, string? Context, DateTimeOffset Time);

    /// <param name="User">Whose events.</param>
    /// <param name="Total">All of the user's stored events.</param>
    /// <param name="Events">The newest of them (at most limit), oldest first.</param>
    public sealed record UserFeedbackResponse(string User, int Total, IReadOnlyList<FeedbackEventView> Events);

    /// <param name="User">Who is asked.</param>
    /// <param name="Items">The two items, in no particular order.</param>
    public sealed record PairResponse(string User, IReadOnlyList<RecommendedItem> Items);

    internal static async Task<Results<Ok<FeedbackResponse>, ProblemHttpResult>> AddFeedback(
        HttpContext http, string user, ServerCatalog catalog, CancellationToken cancellationToken)
    {
        var who = UserRoute.FromSegment(http, user, 1);
        var (bodies, malformed) = await FeedbackBody.ReadAsync(http.Request, cancellationToken);
        var service = catalog.Recommendations;
        var now = service.Time.GetUtcNow();
        var invalid = new List<FeedbackRowError>(malformed);
        var unknown = new List<FeedbackRowError>();
        var events = new List<FeedbackEvent>();
        int accepted = 0;
        foreach (var (index, body) in bodies)
        {
            try
            {
                events.AddRange(body.ToInput().ToEvents(who, service.Items, now));
                accepted++;
            }
            catch (LookalikeException e) when (e.Kind == LookalikeErrorKind.NotFound)
            {
                unknown.Add(new FeedbackRowError(index, FieldHolding(body, e.Subject), e.Message));
            }
            catch (LookalikeException e) when (e.Kind == LookalikeErrorKind.InvalidArgument)
            {
                invalid.Add(new FeedbackRowError(index, FieldOf(body, e.Subject), e.Message));
            }
        }
        int received = bodies.Count + malformed.Count;
        if (invalid.Count > 0)
        {
            invalid.Sort((a, b) => a.Index.CompareTo(b.Index));
            var first = invalid[0];
            return RowProblem(LookalikeErrorKind.InvalidArgument, invalid,
                $"{invalid.Count} of {received} event(s) invalid, nothing stored. Event [{first.Index}]{(first.Field is null ? "" : $" {first.Field}")}: {first.Message}");
        }
        if (events.Count == 0)
        {
            return RowProblem(LookalikeErrorKind.NotFound, unknown,
                $"No event stored: {(unknown.Count == 1 ? unknown[0].Message : $"all {unknown.Count} events name unknown items; event [0]: {unknown[0].Message}")}");
        }
        var receipt = service.AddFeedback(events);
        return TypedResults.Ok(new FeedbackResponse(who.Value, received, accepted, receipt.Stored, unknown, receipt.ChangedItems, receipt.RecomputedLists));
    }

    internal static Ok<UserFeedbackResponse> GetFeedback(HttpContext http, string user, int? limit, ServerCatalog catalog)
    {
        var who = UserRoute.FromSegment(http, user, 1);
        int count = limit ?? 100;
        if (count < 1 || count > MaxFeedbackLimit)
            throw LookalikeException.InvalidArgument("limit", $"limit must be between 1 and {MaxFeedbackLimit}; got {count}.");
        var (events, total) = catalog.Feedback.ReadUserNewest(who, count);
        var newest = events
            .Select(e => new FeedbackEventView(e.Sequence, FeedbackKinds.Name(e.Kind), e.Item.Value, e.Other?.Value, e.Value, e.Context, e.Time))
            .ToList();
        return TypedResults.Ok(new UserFeedbackResponse(who.Value, total, newest));
    }

    internal static Ok<RecommendationResult> GetRecommendations(HttpContext http, string user, int? k, string? strategy,
        [FromQuery] string[]? where, double? diversity, double? collapse, ServerCatalog catalog, IOptions<LookalikeServerOptions> options)
    {
        var who = UserRoute.FromSegment(http, user, 1);
        var recommend = new RecommendOptions
        {
            K = QueryArguments.K(k, options.Value),
            Strategy = Strategy(strategy),
            Where = QueryArguments.Where(where),
            MmrLambda = diversity,
            DuplicateThreshold = collapse,
        };
        return TypedResults.Ok(catalog.Recommendations.ForUser(who, recommend));
    }

    internal static Results<Ok<PairResponse>, NoContent> GetPair(HttpContext http, string user, int? pool, ServerCatalog catalog)
    {
        var who = UserRoute.FromSegment(http, user, 1);
        int candidates = pool ?? 20;
        if (candidates < 2 || candidates > MaxPairPool)
            throw LookalikeException.InvalidArgument("pool", $"pool must be between 2 and {MaxPairPool}; got {candidates}.");
        var pair = catalog.Recommendations.PairToCompare(who, candidates);
        return pair is { Count: 2 } ? TypedResults.Ok(new PairResponse(who.Value, pair)) : TypedResults.NoContent();
    }

    private static RecommendationStrategy Strategy(string? text)
    {
        if (text is null) return RecommendationStrategy.Hybrid;
        if (RecommendationStrategies.TryParse(text, out var strategy)) return strategy;
        string shown = new(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        throw LookalikeException.InvalidArgument("strategy",
            $"Unknown strategy '{shown}': expected {string.Join(", ", RecommendationStrategies.All.Select(RecommendationStrategies.Name))}.");
    }

    /// <summary>The body field a domain error's subject stands for (the domain names kinds and its own field names).</summary>
    private static string? FieldOf(FeedbackEventBody body, string? subject)
    {
        var kind = FeedbackKinds.TryParse(body.Kind, out var parsed) ? parsed : (FeedbackKind?)null;
        if (subject == "other") return kind == FeedbackKind.Prefer ? "over" : "queryItem";
        if (subject is not null && FeedbackKinds.Names.Contains(subject, StringComparer.Ordinal))
            return kind switch { FeedbackKind.Prefer => "over", FeedbackKind.Ranking => "items", _ => "value" };
        return subject;
    }

    /// <summary>The body field that holds the unknown item reference <paramref name="value"/>.</summary>
    private static string FieldHolding(FeedbackEventBody body, string? value)
    {
        if (value is null || value == body.Item) return "item";
        if (value == body.Over) return "over";
        if (value == body.QueryItem) return "queryItem";
        return body.Items?.Contains(value) == true ? "items" : "item";
    }

    private static ProblemHttpResult RowProblem(LookalikeErrorKind kind, List<FeedbackRowError> errors, string detail) =>
        ErrorMapping.Result(kind, detail, errors[0].Field, extensions: [new("errors", errors)]);
}

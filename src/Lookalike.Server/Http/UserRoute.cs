using Lookalike.Core.Feedback;

namespace Lookalike.Server.Http;

/// <summary>
/// User ids in URLs: one path segment, percent-encoded like item ids (<c>/api/users/ann%2F42/recommendations</c>),
/// decoded once from the raw request target (see <see cref="ItemRoute"/>) and validated by <see cref="UserId.Parse"/> (400).
/// </summary>
internal static class UserRoute
{
    /// <summary>The user in the route parameter <paramref name="routeValue"/>, followed by <paramref name="segmentsAfter"/> literal segments.</summary>
    /// <exception cref="Core.Errors.LookalikeException">InvalidArgument (subject <c>user</c>) when it is not a valid user id.</exception>
    public static UserId FromSegment(HttpContext context, string routeValue, int segmentsAfter) =>
        UserId.Parse(ItemRoute.DecodeSegment(context, routeValue, segmentsAfter));

    /// <summary>The canonical path of a user: <c>/api/users/{encoded id}</c>.</summary>
    public static string PathOf(UserId user) => "/api/users/" + Uri.EscapeDataString(user.Value);
}

using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.Core.Search;

namespace Lookalike.TestKit;

/// <summary>Small builders for feedback and recommendation tests: ids, times, seeded unit vectors, an exact index.</summary>
public static class FeedbackData
{
    public static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ItemId I(string id) => ItemId.Parse(id);

    public static ItemId I(int n) => ItemId.Parse($"i{n:D3}.jpg");

    public static UserId U(string id) => UserId.Parse(id);

    public static UserId U(int n) => UserId.Parse($"u{n:D3}");

    public static DateTimeOffset Day(double d) => T0.AddDays(d);

    public static FeedbackEvent Buy(int user, int item, double day = 0) => FeedbackEvent.Purchase(U(user), I(item), Day(day));

    /// <summary>Seeded random unit vectors.</summary>
    public static float[] RandomUnit(Random random, int dimension)
    {
        var v = new float[dimension];
        double norm = 0;
        for (int d = 0; d < dimension; d++) { v[d] = (float)(random.NextDouble() * 2 - 1); norm += v[d] * v[d]; }
        for (int d = 0; d < dimension; d++) v[d] /= (float)Math.Sqrt(norm);
        return v;
    }

    public static float[] Unit(params float[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => (float)(x / norm)).ToArray();
    }

    public static ExactVectorIndex Index(IEnumerable<(ItemId Id, float[] Vector)> items)
    {
        var list = items.ToList();
        var index = new ExactVectorIndex(list[0].Vector.Length, list.Count);
        foreach (var (id, v) in list) index.Upsert(id, v);
        return index;
    }
}

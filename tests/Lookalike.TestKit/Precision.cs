namespace Lookalike.TestKit;

/// <summary>Label precision of ranked results, for retrieval-quality assertions.</summary>
public static class Precision
{
    /// <summary>Mean over queries of the share of the top-k results whose label equals the query's.</summary>
    public static double MeanAtK(IEnumerable<(string QueryLabel, IReadOnlyList<string> ResultLabels)> queries, int k)
    {
        double sum = 0;
        int n = 0;
        foreach (var (label, results) in queries)
        {
            sum += results.Take(k).Count(r => r == label) / (double)k;
            n++;
        }
        return n == 0 ? 0 : sum / n;
    }
}

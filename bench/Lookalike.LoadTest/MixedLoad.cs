using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Lookalike.LoadTest;

/// <summary>What a mixed run sends and for how long.</summary>
/// <param name="Connections">Concurrent connections, each a loop of requests.</param>
/// <param name="Duration">How long to send.</param>
/// <param name="SearchShare">Share of requests that are <c>POST /api/search</c> with a photo (0–1).</param>
/// <param name="AddShare">Share that are <c>POST /api/items</c> adding a new photo (0–1); the rest are look-alikes of items.</param>
/// <param name="K">k of every query.</param>
/// <param name="ApiKey">Sent as X-Api-Key with every add; null when writes are open.</param>
/// <param name="Seed">Seeds every connection's sequence of requests.</param>
/// <param name="MemoryProbe">Reads the server's resident memory in bytes; sampled once a second.</param>
/// <param name="FeedbackShare">Share that post a ranking payload to one of a few users: half the attack of issue 13 (100 rankings × 250 items, answered 400), half the largest allowed (100 × 100).</param>
/// <param name="RecommendShare">Share that read those users' recommendations or preference pair.</param>
public sealed record MixedLoadOptions(
    int Connections, TimeSpan Duration, double SearchShare = 0.15, double AddShare = 0.05, int K = 10, string? ApiKey = null, int Seed = 42,
    Func<long>? MemoryProbe = null, double FeedbackShare = 0, double RecommendShare = 0);

/// <summary>
/// Mixed loopback traffic on a running server: look-alikes of catalog items (GET), searches by uploaded photo and
/// additions of new photos (made unique by bytes appended after the image's end, which decoders ignore), from
/// several connections for a fixed time, with per-kind status counts, latency percentiles and the server's memory
/// once a second. Shared by <c>bench/Lookalike.LoadTest --mix mixed</c> and the CI load test.
/// </summary>
public static class MixedLoad
{
    public const string Similar = "similar";
    public const string Search = "search";
    public const string Add = "add";
    public const string Feedback = "feedback";
    public const string Recommend = "recommend";

    /// <summary>Users the ranking payloads go to (so each grows to the model's per-user bounds).</summary>
    public const int FeedbackUsers = 4;

    /// <summary>The attack's ranking length (over the server's limit of 100, so refused) and the largest allowed.</summary>
    public const int AttackRankingItems = 250, AllowedRankingItems = 100, RankingsPerPayload = 100;

    public static async Task<MixedLoadResult> RunAsync(HttpClient http, IReadOnlyList<string> ids, IReadOnlyList<byte[]> photos, MixedLoadOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (ids.Count == 0 || photos.Count == 0) throw new ArgumentException("need at least one item id and one photo");
        var result = new MixedLoadResult();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(options.Duration);
        var clock = Stopwatch.StartNew();
        var sampler = options.MemoryProbe is null ? Task.CompletedTask : Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            result.AddMemorySample(clock.Elapsed, options.MemoryProbe());
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token)) result.AddMemorySample(clock.Elapsed, options.MemoryProbe());
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
        long added = 0;
        var workers = Enumerable.Range(0, options.Connections).Select(worker => Task.Run(async () =>
        {
            var random = new Random(options.Seed * 1009 + worker);
            while (!stop.IsCancellationRequested)
            {
                double draw = random.NextDouble();
                string kind = draw < options.AddShare ? Add
                    : (draw -= options.AddShare) < options.SearchShare ? Search
                    : (draw -= options.SearchShare) < options.FeedbackShare ? Feedback
                    : draw - options.FeedbackShare < options.RecommendShare ? Recommend
                    : Similar;
                string user = $"soak-{random.Next(FeedbackUsers)}";
                int length = random.Next(2) == 0 ? AttackRankingItems : AllowedRankingItems;
                if (kind == Feedback && Math.Min(length, ids.Count) > AllowedRankingItems) kind = FeedbackAttack;
                using var request = kind switch
                {
                    Similar => new HttpRequestMessage(HttpMethod.Get, $"/api/items/{Uri.EscapeDataString(ids[random.Next(ids.Count)])}/similar?k={options.K}"),
                    Search => Upload("/api/search", photos[random.Next(photos.Count)], null, options.K),
                    Feedback or FeedbackAttack => Rankings(user, ids, length, random, options.ApiKey),
                    Recommend => new HttpRequestMessage(HttpMethod.Get, random.Next(2) == 0 ? $"/api/users/{user}/recommendations?k={options.K}" : $"/api/users/{user}/pair"),
                    _ => Upload("/api/items", Unique(photos[random.Next(photos.Count)], Interlocked.Increment(ref added)), options.ApiKey, null),
                };
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
                    await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                    result.Add(kind, (int)response.StatusCode, Stopwatch.GetElapsedTime(start));
                }
                catch (HttpRequestException e)
                {
                    result.AddTransportError(kind, e.Message);
                }
                catch (TaskCanceledException e)
                {
                    result.AddTransportError(kind, "timed out: " + e.Message);
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        result.Elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await sampler;
        return result;
    }

    /// <summary>The refused variant of <see cref="Feedback"/>, counted apart: 400 is its right answer.</summary>
    public const string FeedbackAttack = "feedback-attack";

    /// <summary>One ranking event as the API reads it.</summary>
    public sealed record RankingBody(string Kind, string Ranking, string[] Items);

    /// <summary><see cref="RankingsPerPayload"/> rankings of <paramref name="length"/> distinct random items (fewer when the catalog is smaller).</summary>
    public static HttpRequestMessage Rankings(string user, IReadOnlyList<string> ids, int length, Random random, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(random);
        var payload = Enumerable.Range(0, RankingsPerPayload).Select(r => (object)new RankingBody("ranking", $"r{random.Next(1000)}",
            ids.OrderBy(_ => random.Next()).Take(Math.Min(length, ids.Count)).ToArray())).ToArray();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/users/{user}/feedback")
        {
            Content = JsonContent.Create(payload, options: new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)),
        };
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        return request;
    }

    private static HttpRequestMessage Upload(string path, byte[] photo, string? apiKey, int? k)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "image", "load.jpg");
        if (k is { } value) form.Add(new StringContent(value.ToString(CultureInfo.InvariantCulture)), "k");
        else form.Add(new StringContent("load"), "source");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        return request;
    }

    /// <summary>The photo with a counter appended after its end: new content, same pixels.</summary>
    private static byte[] Unique(byte[] photo, long n)
    {
        var bytes = new byte[photo.Length + 8];
        photo.CopyTo(bytes, 0);
        BitConverter.TryWriteBytes(bytes.AsSpan(photo.Length), n);
        return bytes;
    }
}

/// <summary>Counts, latencies and memory samples of a mixed run; thread-safe while it runs.</summary>
public sealed class MixedLoadResult
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<double>> _latencies = [];
    private readonly Dictionary<(string Kind, int Status), int> _statuses = [];
    private readonly List<(TimeSpan At, long Bytes)> _memory = [];
    private readonly List<string> _transportErrors = [];

    public TimeSpan Elapsed { get; internal set; }

    public void Add(string kind, int status, TimeSpan latency)
    {
        lock (_lock)
        {
            if (!_latencies.TryGetValue(kind, out var list)) _latencies[kind] = list = new List<double>(1 << 14);
            list.Add(latency.TotalMilliseconds);
            _statuses[(kind, status)] = _statuses.GetValueOrDefault((kind, status)) + 1;
        }
    }

    public void AddTransportError(string kind, string message)
    {
        lock (_lock) _transportErrors.Add($"{kind}: {message}");
    }

    public void AddMemorySample(TimeSpan at, long bytes)
    {
        lock (_lock) _memory.Add((at, bytes));
    }

    public int Requests => _latencies.Values.Sum(l => l.Count);

    public double RequestsPerSecond => Elapsed.TotalSeconds > 0 ? Requests / Elapsed.TotalSeconds : 0;

    /// <summary>Answers with status 500–599.</summary>
    public int ServerErrors => _statuses.Where(s => s.Key.Status >= 500).Sum(s => s.Value);

    /// <summary>Answers with a status outside 200–299 (server errors included), except the 400 that refuses the ranking attack.</summary>
    public int NotSuccess => _statuses.Where(s => s.Key.Status is < 200 or > 299 && !(s.Key.Kind == MixedLoad.FeedbackAttack && s.Key.Status == 400)).Sum(s => s.Value);

    public IReadOnlyList<string> TransportErrors => _transportErrors;

    public IReadOnlyList<(TimeSpan At, long Bytes)> Memory => _memory;

    public IReadOnlyDictionary<(string Kind, int Status), int> Statuses => _statuses;

    public int Count(string kind) => _latencies.TryGetValue(kind, out var l) ? l.Count : 0;

    /// <summary>Latency quantile in milliseconds over one kind, or over all when <paramref name="kind"/> is null.</summary>
    public double Percentile(double quantile, string? kind = null)
    {
        var values = (kind is null ? _latencies.Values.SelectMany(l => l) : _latencies.GetValueOrDefault(kind) ?? []).Order().ToList();
        return values.Count == 0 ? 0 : values[Math.Clamp((int)Math.Ceiling(quantile * values.Count) - 1, 0, values.Count - 1)];
    }

    /// <summary>Mean resident memory of the last third of the samples over the first third's (1 = flat).</summary>
    public double MemoryGrowth
    {
        get
        {
            if (_memory.Count < 3) return 1;
            int third = _memory.Count / 3;
            double first = _memory.Take(third).Average(m => (double)m.Bytes);
            double last = _memory.Skip(_memory.Count - third).Average(m => (double)m.Bytes);
            return last / first;
        }
    }

    public long PeakMemory => _memory.Count == 0 ? 0 : _memory.Max(m => m.Bytes);

    /// <summary>A few lines for people: throughput, latency per kind, statuses, memory.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"{Requests} requests in {Elapsed.TotalSeconds:0.0} s: {RequestsPerSecond:0.0} req/s; p50 {Percentile(0.5):0.0} ms, p99 {Percentile(0.99):0.0} ms; " +
                             $"server errors (5xx) {ServerErrors}, other non-2xx {NotSuccess - ServerErrors}, transport errors {_transportErrors.Count}"),
        };
        foreach (string kind in new[] { MixedLoad.Similar, MixedLoad.Search, MixedLoad.Add, MixedLoad.Feedback, MixedLoad.FeedbackAttack, MixedLoad.Recommend })
        {
            if (Count(kind) == 0 && kind is MixedLoad.Feedback or MixedLoad.FeedbackAttack or MixedLoad.Recommend) continue;
            string statuses = string.Join(", ", _statuses.Where(s => s.Key.Kind == kind).OrderBy(s => s.Key.Status).Select(s => $"{s.Key.Status}×{s.Value}"));
            lines.Add(string.Create(c, $"  {kind,-7} {Count(kind),7} requests, p50 {Percentile(0.5, kind):0.0} ms, p99 {Percentile(0.99, kind):0.0} ms ({statuses})"));
        }
        if (_memory.Count > 0)
            lines.Add(string.Create(c, $"  memory: first {_memory[0].Bytes / 1048576.0:0} MiB, peak {PeakMemory / 1048576.0:0} MiB, last {_memory[^1].Bytes / 1048576.0:0} MiB; last third / first third {MemoryGrowth:0.00} ({_memory.Count} samples)"));
        lines.AddRange(_transportErrors.Take(5).Select(e => "  transport error: " + e));
        return string.Join(Environment.NewLine, lines);
    }
}

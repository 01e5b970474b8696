// Loopback load on `lookalike serve`: N connections request look-alikes of catalog items for a fixed time and report
// requests/s, latency percentiles and errors. Bounded in time and in count; refuses any target that is not loopback.
//
//   dotnet run -c Release --project bench/Lookalike.LoadTest -- --url http://127.0.0.1:5000 --connections 16 --duration 30
//
// Options: --url, --connections (16), --duration seconds (30), --warmup seconds (5), --k (10), --max-requests (5000000),
// --seed (42), --json (one JSON line instead of text), --paths-out FILE (write the request paths for wrk's
// similar.lua and exit).
//
// Mixed traffic (the soak of docs/reliability.md; bench/load_soak.sh runs it): --mix mixed sends look-alikes, searches
// by upload (--search-share 0.15) and additions of new photos (--add-share 0.05, with --api-key KEY when the server
// has one) made from the photos in --photos DIR (default samples/images), and samples the server's resident memory
// once a second when given --server-pid PID. Run the server with --rate-limit off --similar-rate-limit off: the
// generator is one client. Exit 2 on any server error, non-2xx answer or transport error.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

var options = LoadOptions.Parse(args);
var target = new Uri(options.Url);
if (!IsLoopback(target))
{
    Console.Error.WriteLine($"error: {target.Host} is not a loopback address; this tool only loads servers on this machine.");
    return 1;
}

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Connections,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    AutomaticDecompression = DecompressionMethods.None,
})
{
    BaseAddress = target,
    Timeout = TimeSpan.FromSeconds(30),
};

// The catalog's ids, in a seeded random order so every run asks the same sequence.
var info = JsonDocument.Parse(await http.GetStringAsync("/api/info")).RootElement;
int total = info.GetProperty("items").GetInt32();
var ids = new List<string>(total);
for (int page = 1; ids.Count < total; page++)
{
    var listing = JsonDocument.Parse(await http.GetStringAsync($"/api/items?page={page}&pageSize=200")).RootElement;
    var items = listing.GetProperty("items");
    if (items.GetArrayLength() == 0) break;
    foreach (var item in items.EnumerateArray()) ids.Add(item.GetProperty("id").GetString()!);
}
var random = new Random(options.Seed);
var paths = ids.Select(id => $"/api/items/{Uri.EscapeDataString(id)}/similar?k={options.K}").OrderBy(_ => random.Next()).ToArray();
if (options.PathsOut is not null)
{
    await File.WriteAllLinesAsync(options.PathsOut, paths);
    Console.Error.WriteLine($"wrote {paths.Length} paths to {options.PathsOut}");
    return 0;
}
Console.Error.WriteLine($"{ids.Count} items, index {info.GetProperty("index").GetString()}, model {info.GetProperty("model").GetString()}; " +
                        $"{options.Connections} connections, {options.Warmup}s warm-up + {options.Duration}s, k={options.K}");

long next = -1;
var results = new LoadResult();
if (options.Mix == "mixed") return await RunMixedAsync();
if (options.Mix == "ranking") return await RunRankingAttackAsync();

await RunAsync(TimeSpan.FromSeconds(options.Warmup), record: false);
var clock = Stopwatch.StartNew();
await RunAsync(TimeSpan.FromSeconds(options.Duration), record: true);
clock.Stop();

results.Report(options, clock.Elapsed, ids.Count, info.GetProperty("index").GetString()!);
return results.Errors == 0 ? 0 : 2;

async Task RunAsync(TimeSpan duration, bool record)
{
    using var stop = new CancellationTokenSource(duration);
    var workers = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(async () =>
    {
        var latencies = new List<long>(1 << 16);
        int errors = 0, checkedBodies = 0;
        var statuses = new Dictionary<int, int>();
        while (!stop.IsCancellationRequested)
        {
            long n = Interlocked.Increment(ref next);
            if (record && n >= options.MaxRequests) break;
            string path = paths[n % paths.Length];
            long start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
                byte[] body = await response.Content.ReadAsByteArrayAsync();
                long elapsed = Stopwatch.GetTimestamp() - start;
                int status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                bool ok = response.IsSuccessStatusCode;
                // Every 50th answer is parsed: k results, best first.
                if (ok && n % 50 == 0)
                {
                    checkedBodies++;
                    var scores = JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("score").GetSingle()).ToList();
                    ok = scores.Count == Math.Min(options.K, paths.Length - 1) && scores.SequenceEqual(scores.OrderByDescending(s => s));
                }
                if (!ok) errors++;
                latencies.Add(elapsed);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                if (stop.IsCancellationRequested && e is TaskCanceledException) break;
                errors++;
            }
        }
        return (latencies, errors, statuses, checkedBodies);
    })).ToArray();
    var done = await Task.WhenAll(workers);
    if (!record) return;
    foreach (var (latencies, errors, statuses, checkedBodies) in done) results.Add(latencies, errors, statuses, checkedBodies);
}

async Task<int> RunMixedAsync()
{
    var photos = Directory.GetFiles(options.Photos, "*.jpg").Order(StringComparer.Ordinal).Take(500).Select(File.ReadAllBytes).ToList();
    if (photos.Count == 0) throw new ArgumentException($"--photos {options.Photos}: no .jpg files");
    Func<long>? probe = options.ServerPid is { } pid ? () => ResidentBytes(pid) : null;
    var mixed = new Lookalike.LoadTest.MixedLoadOptions(options.Connections, TimeSpan.FromSeconds(options.Duration), options.SearchShare, options.AddShare,
        options.K, options.ApiKey, options.Seed, probe, options.FeedbackShare, options.RecommendShare);
    Console.Error.WriteLine($"mixed: {options.SearchShare:P0} search by upload, {options.AddShare:P0} add, {options.FeedbackShare:P0} ranking payloads, {options.RecommendShare:P0} recommendations, rest similar; {photos.Count} photos from {options.Photos}" +
                            (probe is null ? "; no --server-pid, so no memory samples" : $"; memory of PID {options.ServerPid}"));
    if (options.Warmup > 0)
        await Lookalike.LoadTest.MixedLoad.RunAsync(http, ids, photos, mixed with { Duration = TimeSpan.FromSeconds(options.Warmup), MemoryProbe = null, Seed = options.Seed + 1 });
    var result = await Lookalike.LoadTest.MixedLoad.RunAsync(http, ids, photos, mixed);
    Console.WriteLine($"{options.Connections} connections, {options.Duration} s after {options.Warmup} s warm-up, {ids.Count} items at start");
    Console.WriteLine(result.Describe());
    if (options.Json)
    {
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            mix = "mixed", connections = options.Connections, seconds = Math.Round(result.Elapsed.TotalSeconds, 1), requests = result.Requests,
            requests_per_second = Math.Round(result.RequestsPerSecond, 1), p50_ms = Math.Round(result.Percentile(0.5), 1), p99_ms = Math.Round(result.Percentile(0.99), 1),
            similar = result.Count(Lookalike.LoadTest.MixedLoad.Similar), search = result.Count(Lookalike.LoadTest.MixedLoad.Search), add = result.Count(Lookalike.LoadTest.MixedLoad.Add),
            feedback = result.Count(Lookalike.LoadTest.MixedLoad.Feedback), feedback_attack = result.Count(Lookalike.LoadTest.MixedLoad.FeedbackAttack),
            recommend = result.Count(Lookalike.LoadTest.MixedLoad.Recommend),
            server_errors = result.ServerErrors, not_2xx = result.NotSuccess, transport_errors = result.TransportErrors.Count,
            rss_first_mib = result.Memory.Count > 0 ? result.Memory[0].Bytes >> 20 : 0, rss_peak_mib = result.PeakMemory >> 20,
            rss_last_mib = result.Memory.Count > 0 ? result.Memory[^1].Bytes >> 20 : 0, rss_growth = Math.Round(result.MemoryGrowth, 3),
        }));
    }
    return result.NotSuccess == 0 && result.TransportErrors.Count == 0 ? 0 : 2;
}

// The memory attack of issue 13: one POST of 100 rankings × 250 items, then 20 reads of that user's recommendations and
// preference pair, timing each and sampling the server's RSS; then the same with the largest payload the server
// accepts (100 × 100). Exit 2 when a read fails or any 5xx comes back.
async Task<int> RunRankingAttackAsync()
{
    if (options.ServerPid is not { } pid) throw new ArgumentException("--mix ranking needs --server-pid");
    var random = new Random(options.Seed);
    long start = ResidentBytes(pid);
    bool failed = false;
    Console.WriteLine($"{ids.Count} items; server RSS at start {start >> 20} MiB");
    foreach (int length in new[] { Lookalike.LoadTest.MixedLoad.AttackRankingItems, Lookalike.LoadTest.MixedLoad.AllowedRankingItems })
    {
        string user = $"attack-{length}";
        using var post = Lookalike.LoadTest.MixedLoad.Rankings(user, ids, length, random, options.ApiKey);
        long bytes = (await post.Content!.ReadAsByteArrayAsync()).Length;
        var posted = Stopwatch.StartNew();
        using var answer = await http.SendAsync(post);
        string body = await answer.Content.ReadAsStringAsync();
        posted.Stop();
        Console.WriteLine($"POST {Lookalike.LoadTest.MixedLoad.RankingsPerPayload} rankings × {Math.Min(length, ids.Count)} items ({bytes / 1024.0:0} KiB): {(int)answer.StatusCode} in {posted.ElapsedMilliseconds} ms" +
                          ((int)answer.StatusCode >= 400 ? $" — {body[..Math.Min(body.Length, 160)]}" : ""));
        failed |= (int)answer.StatusCode >= 500;
        var reads = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            string url = i % 2 == 0 ? $"/api/users/{user}/recommendations?k={options.K}" : $"/api/users/{user}/pair";
            var read = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            await response.Content.ReadAsByteArrayAsync();
            reads.Add(read.Elapsed.TotalMilliseconds);
            failed |= !response.IsSuccessStatusCode;
        }
        long after = ResidentBytes(pid);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  20 reads: max {reads.Max():0.0} ms, median {reads.Order().ElementAt(10):0.0} ms; server RSS {after >> 20} MiB ({(after - start) / 1048576.0:+0;-0} MiB from start)"));
    }
    return failed ? 2 : 0;
}

static long ResidentBytes(int pid)
{
    foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    return 0;
}

static bool IsLoopback(Uri uri) =>
    uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

internal sealed record LoadOptions(string Url, int Connections, int Duration, int Warmup, int K, long MaxRequests, int Seed, bool Json, string? PathsOut,
    string Mix = "similar", double SearchShare = 0.15, double AddShare = 0.05, string? ApiKey = null, string Photos = "samples/images", int? ServerPid = null,
    double FeedbackShare = 0, double RecommendShare = 0)
{
    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool json = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--json") { json = true; continue; }
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            values[args[i][2..]] = args[++i];
        }
        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new LoadOptions(
            values.GetValueOrDefault("url", "http://127.0.0.1:5000"),
            Int("connections", 16), Int("duration", 30), Int("warmup", 5), Int("k", 10),
            values.TryGetValue("max-requests", out var max) ? long.Parse(max, CultureInfo.InvariantCulture) : 5_000_000,
            Int("seed", 42), json, values.GetValueOrDefault("paths-out"),
            values.GetValueOrDefault("mix", "similar"),
            values.TryGetValue("search-share", out var ss) ? double.Parse(ss, CultureInfo.InvariantCulture) : 0.15,
            values.TryGetValue("add-share", out var ad) ? double.Parse(ad, CultureInfo.InvariantCulture) : 0.05,
            values.GetValueOrDefault("api-key"),
            values.GetValueOrDefault("photos", "samples/images"),
            values.TryGetValue("server-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            values.TryGetValue("feedback-share", out var fs) ? double.Parse(fs, CultureInfo.InvariantCulture) : 0,
            values.TryGetValue("recommend-share", out var rs) ? double.Parse(rs, CultureInfo.InvariantCulture) : 0);
        if (options.Mix is not ("similar" or "mixed" or "ranking")) throw new ArgumentException("--mix must be similar, mixed or ranking");
        if (options.SearchShare is < 0 or > 1 || options.AddShare is < 0 or > 1 || options.FeedbackShare is < 0 or > 1 || options.RecommendShare is < 0 or > 1
            || options.SearchShare + options.AddShare + options.FeedbackShare + options.RecommendShare > 1)
            throw new ArgumentException("--search-share, --add-share, --feedback-share and --recommend-share must be 0–1 and sum to at most 1");
        if (options.Connections is < 1 or > 256) throw new ArgumentException("--connections must be 1–256");
        if (options.Duration is < 1 or > 600) throw new ArgumentException("--duration must be 1–600 seconds");
        if (options.Warmup is < 0 or > 60) throw new ArgumentException("--warmup must be 0–60 seconds");
        return options;
    }
}

internal sealed class LoadResult
{
    private readonly List<long> _latencies = [];
    private readonly Dictionary<int, int> _statuses = [];
    private int _checked;

    public int Errors { get; private set; }

    public void Add(List<long> latencies, int errors, Dictionary<int, int> statuses, int checkedBodies)
    {
        _latencies.AddRange(latencies);
        Errors += errors;
        _checked += checkedBodies;
        foreach (var (status, count) in statuses) _statuses[status] = _statuses.GetValueOrDefault(status) + count;
    }

    public void Report(LoadOptions options, TimeSpan elapsed, int items, string index)
    {
        _latencies.Sort();
        double Ms(double quantile) => _latencies.Count == 0 ? 0
            : _latencies[Math.Min(_latencies.Count - 1, (int)Math.Ceiling(quantile * _latencies.Count) - 1)] * 1000.0 / Stopwatch.Frequency;
        double rps = _latencies.Count / elapsed.TotalSeconds;
        var summary = new
        {
            endpoint = "GET /api/items/{id}/similar",
            items,
            index,
            k = options.K,
            connections = options.Connections,
            seconds = Math.Round(elapsed.TotalSeconds, 1),
            requests = _latencies.Count,
            errors = Errors,
            statuses = _statuses.OrderBy(s => s.Key).ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value),
            bodies_checked = _checked,
            requests_per_second = Math.Round(rps, 1),
            p50_ms = Math.Round(Ms(0.50), 2),
            p90_ms = Math.Round(Ms(0.90), 2),
            p99_ms = Math.Round(Ms(0.99), 2),
            max_ms = Math.Round(Ms(1.0), 2),
        };
        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(summary));
            return;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.requests} requests in {summary.seconds}s: {summary.requests_per_second} req/s, errors {summary.errors} " +
            $"(statuses {string.Join(", ", summary.statuses.Select(s => $"{s.Key}×{s.Value}"))}; {summary.bodies_checked} bodies checked)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency p50 {summary.p50_ms} ms, p90 {summary.p90_ms} ms, p99 {summary.p99_ms} ms, max {summary.max_ms} ms"));
    }
}

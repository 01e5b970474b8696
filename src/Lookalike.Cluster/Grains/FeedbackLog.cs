using System.Text.Json;
using Lookalike.Cluster.Contracts;

namespace Lookalike.Cluster.Grains;

/// <summary>
/// A replica's feedback events: an append-only JSON-lines file beside its store (<c>feedback.jsonl</c>), flushed to
/// disk before an add is acknowledged, and held in memory in sequence order. A user's removal rewrites the file
/// (written aside, then renamed over it). Not thread-safe: the replica grain never runs a write beside anything.
/// </summary>
internal sealed class FeedbackLog
{
    public const string FileName = "feedback.jsonl";

    private readonly string _path;
    private readonly List<FeedbackRecord> _events = [];
    private readonly HashSet<string> _sources = new(StringComparer.Ordinal);
    private readonly HashSet<long> _sequences = [];

    private FeedbackLog(string path) => _path = path;

    /// <summary>Reads the log in <paramref name="directory"/>; a torn last line (a crash mid-append) is dropped.</summary>
    public static FeedbackLog Open(string directory)
    {
        var log = new FeedbackLog(Path.Combine(directory, FileName));
        if (!File.Exists(log._path)) return log;
        foreach (string line in File.ReadLines(log._path))
        {
            if (line.Length == 0) continue;
            FeedbackRecord? record;
            try { record = JsonSerializer.Deserialize<FeedbackRecord>(line); }
            catch (JsonException) { continue; } // the torn tail of an append that never completed
            if (record is not null) log.Remember(record);
        }
        log._events.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return log;
    }

    public int Count => _events.Count;

    public long LastSequence => _events.Count == 0 ? 0 : _events[^1].Sequence;

    /// <summary>Appends the events not held yet (by sequence and by source); returns how many.</summary>
    public int Add(IEnumerable<FeedbackRecord> events)
    {
        var fresh = events.Where(e => !_sequences.Contains(e.Sequence) && (e.Source is null || !_sources.Contains(e.Source)))
            .DistinctBy(e => e.Sequence).ToList();
        if (fresh.Count == 0) return 0;
        long previous = LastSequence;
        bool inOrder = true;
        foreach (var record in fresh)
        {
            inOrder &= record.Sequence > previous;
            previous = record.Sequence;
        }
        using (var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            using var writer = new StreamWriter(stream);
            foreach (var record in fresh) writer.WriteLine(JsonSerializer.Serialize(record));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        foreach (var record in fresh) Remember(record);
        if (!inOrder) _events.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return fresh.Count;
    }

    public FeedbackRecord[] Read(long afterSequence, int max)
    {
        int start = FirstAfter(afterSequence);
        return _events.Skip(start).Take(max).ToArray();
    }

    public FeedbackRecord[] OfUser(string user) => _events.Where(e => e.User == user).ToArray();

    /// <summary>Removes the user's events; returns how many.</summary>
    public int RemoveUser(string user) => Replace(_events.Where(e => e.User != user).ToList());

    /// <summary>Makes the log exactly <paramref name="events"/> (a replica catching up from another); returns how many were dropped.</summary>
    public int Replace(IReadOnlyList<FeedbackRecord> events)
    {
        int dropped = _events.Count - events.Count;
        string aside = _path + ".new";
        using (var stream = new FileStream(aside, FileMode.Create, FileAccess.Write))
        {
            using var writer = new StreamWriter(stream);
            foreach (var record in events) writer.WriteLine(JsonSerializer.Serialize(record));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(aside, _path, overwrite: true);
        _events.Clear();
        _sources.Clear();
        _sequences.Clear();
        foreach (var record in events) Remember(record);
        _events.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return dropped;
    }

    private void Remember(FeedbackRecord record)
    {
        if (!_sequences.Add(record.Sequence)) return;
        if (record.Source is not null) _sources.Add(record.Source);
        _events.Add(record);
    }

    /// <summary>Index of the first event with a sequence above <paramref name="sequence"/> (binary search).</summary>
    private int FirstAfter(long sequence)
    {
        int low = 0, high = _events.Count;
        while (low < high)
        {
            int mid = (low + high) / 2;
            if (_events[mid].Sequence <= sequence) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}

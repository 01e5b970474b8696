using Lookalike.Core.Catalog;
using Lookalike.Hosting;
using Lookalike.Hosting.Query;
using Lookalike.Hosting.Recommendations;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;

namespace Lookalike.Hosting.Tests.Recommendations;

/// <summary>A real store in a temp folder holding items with seeded synthetic vectors (no model needed), opened like the CLI opens it.</summary>
internal sealed class SyntheticStore : IDisposable
{
    private readonly TempDirectory _dir = new();

    public SyntheticStore(IEnumerable<(string Id, float[] Vector, Dictionary<string, string>? Metadata)> items)
    {
        using (var store = SqliteCatalogStore.Open(_dir.Path, create: true))
        {
            var list = items.Select(x => new CatalogItem
            {
                Id = ItemId.Parse(x.Id), Path = "/photos/" + x.Id, ContentHash = "hash-" + x.Id, SizeBytes = 1,
                ModifiedUtc = DateTimeOffset.UnixEpoch, Metadata = x.Metadata ?? [], Model = new ModelId("test@00000000"), Vector = x.Vector,
            }).ToList();
            store.BindModel(new ModelId("test@00000000"), list[0].Vector.Length);
            store.Upsert(list);
        }
        Catalog = SqliteCatalogStore.Open(_dir.Path, create: false);
        Feedback = SqliteFeedbackStore.Open(_dir.Path);
    }

    public string Location => _dir.Path;

    public SqliteCatalogStore Catalog { get; }

    public SqliteFeedbackStore Feedback { get; }

    public ItemResolver Resolver(ItemMapping? mapping = null) => new(Catalog.ReadAll(withVectors: false), mapping);

    public string WriteFile(string name, string content)
    {
        string path = _dir.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    public QueryService OpenQuery() =>
        QueryService.Open(Catalog, LookalikeComponents.CreateDecoder(), () => throw new InvalidOperationException("no model in these tests"));

    public void Dispose()
    {
        Feedback.Dispose();
        Catalog.Dispose();
        _dir.Dispose();
    }
}

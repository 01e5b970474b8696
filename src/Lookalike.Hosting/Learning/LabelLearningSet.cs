using System.Globalization;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Learning;

/// <summary>
/// Turns labelled catalog items into a <see cref="LearningSet"/>: items sharing a value in the label column are
/// positives. Every way the input can be unusable is a <see cref="LookalikeException"/> naming its cause.
/// </summary>
public static class LabelLearningSet
{
    /// <summary>The set, and notes on what was left out (items alone in their class).</summary>
    /// <param name="RowItems">The item of each row of <see cref="Set"/>, in order.</param>
    public sealed record Result(LearningSet Set, int Items, int Classes, IReadOnlyList<string> Notes, IReadOnlyList<CatalogItem> RowItems);

    /// <summary>
    /// The set with every item's extra views (<c>learn --augment</c>) appended as more rows of its class; items without
    /// views keep their one row. Items, classes and notes are unchanged.
    /// </summary>
    public static Result WithViews(Result result, IReadOnlyDictionary<ItemId, float[][]> views)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(views);
        var set = result.Set;
        int d = set.Dimension, extra = result.RowItems.Sum(i => views.TryGetValue(i.Id, out var v) ? v.Length : 0);
        var vectors = new float[(long)(set.Count + extra) * d];
        var classes = new int[set.Count + extra];
        set.Vectors.CopyTo(vectors, 0);
        set.Classes!.CopyTo(classes, 0);
        var rowItems = new List<CatalogItem>(result.RowItems);
        int row = set.Count;
        for (int r = 0; r < set.Count; r++)
        {
            if (!views.TryGetValue(result.RowItems[r].Id, out var extraViews)) continue;
            foreach (var view in extraViews)
            {
                if (view.Length != d) throw new ArgumentException($"View of item '{result.RowItems[r].Id}' has {view.Length} values, the set {d}.", nameof(views));
                view.CopyTo(vectors, (long)row * d);
                classes[row++] = set.Classes[r];
                rowItems.Add(result.RowItems[r]);
            }
        }
        return result with { Set = LearningSet.FromClasses(vectors, d, classes), RowItems = rowItems };
    }

    /// <param name="items">Catalog items read with their vectors.</param>
    /// <param name="filter">Only the items it selects learn (e.g. <c>split=train</c>).</param>
    /// <exception cref="LookalikeException">InvalidArgument: nothing selected, no item with the column, fewer than 2 classes
    /// with 2 or more items.</exception>
    public static Result Build(IReadOnlyList<CatalogItem> items, string labelColumn, ItemFilter filter)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumn);
        ArgumentNullException.ThrowIfNull(filter);
        if (items.Count == 0) throw LookalikeException.InvalidArgument("store", "The store holds no items to learn from.");
        var selected = items.Where(i => filter.Matches(i.Metadata)).ToList();
        if (selected.Count == 0)
            throw LookalikeException.InvalidArgument("where", $"The filter ({filter}) selects none of the store's {items.Count:N0} items.");
        var labelled = new List<(CatalogItem Item, string Label)>();
        foreach (var item in selected)
        {
            if (TryGet(item.Metadata, labelColumn, out string? value) && !string.IsNullOrWhiteSpace(value)) labelled.Add((item, value.Trim()));
        }
        if (labelled.Count == 0)
        {
            var known = items.SelectMany(i => i.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            throw LookalikeException.InvalidArgument("label-column",
                $"No {(filter.IsEmpty ? "" : "selected ")}item has a value in column '{labelColumn}'. Known columns: {(known.Count == 0 ? "(none; index with --labels, or import vectors with metadata)" : string.Join(", ", known))}.");
        }
        var groups = labelled.GroupBy(p => p.Label, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (groups.Count < 2)
            throw LookalikeException.InvalidArgument("label-column",
                $"Column '{labelColumn}' has a single class ('{groups[0].Key}') among the {labelled.Count:N0} {(filter.IsEmpty ? "" : "selected ")}items: learning needs at least 2 classes.");
        var notes = new List<string>();
        var singles = groups.Where(g => g.Count() == 1).Select(g => g.Key).ToList();
        var kept = groups.Where(g => g.Count() >= 2).ToList();
        if (singles.Count > 0)
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{singles.Count} class(es) of '{labelColumn}' have one item only and were left out (nothing to pair them with): {string.Join(", ", singles.Take(10))}{(singles.Count > 10 ? ", …" : "")}"));
        if (kept.Count < 2)
            throw LookalikeException.InvalidArgument("label-column",
                $"Column '{labelColumn}' has {(kept.Count == 0 ? "no class" : $"only one class ('{kept[0].Key}')")} with 2 or more items; learning needs at least 2 such classes (classes with one item only: {string.Join(", ", singles.Take(10))}).");
        int dimension = kept[0].First().Item.Vector.Length;
        int count = kept.Sum(g => g.Count());
        var vectors = new float[(long)count * dimension];
        var classes = new int[count];
        var rowItems = new CatalogItem[count];
        int row = 0;
        for (int c = 0; c < kept.Count; c++)
        {
            foreach (var (item, _) in kept[c])
            {
                if (item.Vector.Length != dimension)
                    throw new LookalikeException(LookalikeErrorKind.StoreCorrupt, $"Item '{item.Id}' has {item.Vector.Length} values, others {dimension}.", item.Id.Value);
                item.Vector.Span.CopyTo(vectors.AsSpan(row * dimension, dimension));
                rowItems[row] = item;
                classes[row++] = c;
            }
        }
        return new Result(LearningSet.FromClasses(vectors, dimension, classes), count, kept.Count, notes, rowItems);
    }

    private static bool TryGet(IReadOnlyDictionary<string, string> metadata, string column, out string? value)
    {
        if (metadata.TryGetValue(column, out value)) return true;
        foreach (var (key, v) in metadata)
        {
            if (string.Equals(key, column, StringComparison.OrdinalIgnoreCase)) { value = v; return true; }
        }
        value = null;
        return false;
    }
}

using ServiceDefaults.Storage.Documents;

namespace ServiceDefaults.Tests.Storage;

/// <summary>
/// What both providers of the document store must do: the same calls give the same answers on SQLite and on MongoDB.
/// Each provider's test class says how to open a collection on the test's own (at first empty) data.
/// </summary>
public abstract class DocumentsContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The collection the tests use: keyed by id, two fields indexed together.</summary>
    protected static DocumentSchema<Item> Items { get; } = new()
    {
        Name = "items",
        Key = item => item.Id,
        Fields = [new("model", item => item.Model), new("at", item => item.At), new("state", item => item.State), new("score", item => item.Score)],
        Indexes = [["model", "at"], ["state"]],
    };

    /// <summary>A collection of <see cref="Items"/> on this test's data; a second call opens the same data again.</summary>
    protected abstract IDocuments<Item> Open();

    [SkippableFact]
    public async Task A_document_comes_back_whole_with_revision_one_and_a_second_insert_of_its_key_changes_nothing()
    {
        var items = Open();
        var item = NewItem("a", "m", Start.AddTicks(1234567), ItemState.Pending) with { Tags = ["x", "y"], Score = 0.125 };

        Assert.True(await items.InsertAsync(item, None));
        Assert.False(await items.InsertAsync(item with { Model = "other" }, None));

        var stored = await Open().GetAsync("a", None);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Revision);
        Assert.Equal(item.Tags, stored.Document.Tags);
        Assert.Equal(item with { Tags = stored.Document.Tags }, stored.Document);
        Assert.Null(await items.GetAsync("b", None));
    }

    [SkippableFact]
    public async Task Many_documents_are_inserted_at_once_and_each_existing_or_repeated_key_is_reported_not_inserted()
    {
        var items = Open();
        await items.InsertAsync(NewItem("b", "m", Start, ItemState.Pending), None);

        var inserted = await items.InsertManyAsync(
            [NewItem("a", "m", Start, ItemState.Pending), NewItem("b", "changed", Start, ItemState.Joined), NewItem("c", "m", Start, ItemState.Pending), NewItem("a", "again", Start, ItemState.Joined)],
            None);

        Assert.Equal([true, false, true, false], inserted);
        Assert.Equal(["m", "m", "m"], (await items.FindAsync(DocumentQuery.All, None)).Select(item => item.Document.Model));
    }

    [SkippableFact]
    public async Task A_replace_succeeds_only_at_the_revision_read_so_of_two_writers_one_wins()
    {
        var items = Open();
        await items.InsertAsync(NewItem("a", "m", Start, ItemState.Pending), None);
        var read = (await items.GetAsync("a", None))!;

        var first = await items.ReplaceAsync(read.Document with { State = ItemState.Joined }, read.Revision, None);
        var second = await items.ReplaceAsync(read.Document with { State = ItemState.Orphaned }, read.Revision, None);

        Assert.Equal((true, false), (first, second));
        var stored = (await items.GetAsync("a", None))!;
        Assert.Equal((ItemState.Joined, 2L), (stored.Document.State, stored.Revision));
        Assert.Single(await items.FindAsync(DocumentQuery.Where("state", ItemState.Joined), None));
        Assert.False(await items.ReplaceAsync(read.Document with { Id = "gone" }, 1, None));
    }

    [SkippableFact]
    public async Task An_upsert_inserts_then_replaces_whatever_the_revision()
    {
        var items = Open();
        await items.UpsertAsync(NewItem("a", "m", Start, ItemState.Pending), None);
        await items.UpsertAsync(NewItem("a", "n", Start, ItemState.Joined), None);

        var stored = (await items.GetAsync("a", None))!;
        Assert.Equal(("n", ItemState.Joined, 2L), (stored.Document.Model, stored.Document.State, stored.Revision));
        Assert.Empty(await items.FindAsync(DocumentQuery.Where("model", "m"), None));
    }

    [SkippableFact]
    public async Task Queries_filter_on_equality_lists_and_ranges_order_by_fields_then_key_and_stop_at_the_limit()
    {
        var items = Open();
        await items.InsertManyAsync(
        [
            NewItem("a", "m", Start.AddMinutes(2), ItemState.Pending),
            NewItem("b", "m", Start.AddMinutes(1), ItemState.Joined),
            NewItem("c", "m", Start.AddMinutes(2), ItemState.Pending),
            NewItem("d", "n", Start, ItemState.Pending),
            NewItem("e", "m", Start.AddMinutes(3), ItemState.Orphaned),
        ], None);

        async Task<string> Keys(DocumentQuery query) => string.Concat((await items.FindAsync(query, None)).Select(item => item.Document.Id));

        Assert.Equal("abce", await Keys(DocumentQuery.Where("model", "m")));
        Assert.Equal("ecab", await Keys(DocumentQuery.Where("model", "m").OrderByDescending("at")));
        Assert.Equal("bac", await Keys(DocumentQuery.Where("model", "m").And("at", Comparison.Less, Start.AddMinutes(3)).OrderByAscending("at")));
        Assert.Equal("ac", await Keys(DocumentQuery.Where("at", Comparison.GreaterOrEqual, Start.AddMinutes(2)).And("at", Comparison.LessOrEqual, Start.AddMinutes(2))));
        Assert.Equal("e", await Keys(DocumentQuery.Where("at", Comparison.Greater, Start.AddMinutes(2))));
        Assert.Equal("d", await Keys(DocumentQuery.Where("at", Comparison.Less, Start.AddMinutes(1))));
        Assert.Equal("be", await Keys(DocumentQuery.Where("state", Comparison.In, new[] { ItemState.Joined, ItemState.Orphaned })));
        Assert.Equal("", await Keys(DocumentQuery.Where("state", Comparison.In, Array.Empty<ItemState>())));
        Assert.Equal("ec", await Keys(DocumentQuery.All.OrderByDescending("at").Take(2)));
        Assert.Equal("ba", await Keys(DocumentQuery.Where(DocumentQuery.KeyField, Comparison.In, new List<string> { "b", "a", "z" }).OrderByDescending(DocumentQuery.KeyField)));
        Assert.Equal("de", await Keys(DocumentQuery.Where(DocumentQuery.KeyField, Comparison.Greater, "c")));
        Assert.Equal(
            new Dictionary<string, long> { ["Pending"] = 3, ["Orphaned"] = 1 },
            await items.CountByAsync(DocumentQuery.Where("state", Comparison.In, new[] { ItemState.Pending, ItemState.Orphaned }), "state", None));
        Assert.Equal(new Dictionary<string, long> { ["Pending"] = 2, ["Joined"] = 1, ["Orphaned"] = 1 }, await items.CountByAsync(DocumentQuery.Where("model", "m"), "state", None));
        Assert.Throws<ArgumentException>(() => Keys(DocumentQuery.Where("nothing", 1)).GetAwaiter().GetResult());
    }

    [SkippableFact]
    public async Task A_list_condition_takes_tens_of_thousands_of_values_as_a_batch_of_predictions_brings()
    {
        var items = Open();
        await items.InsertManyAsync([NewItem("a", "m", Start, ItemState.Pending), NewItem("b", "n", Start, ItemState.Pending)], None);

        // More values than SQLite takes parameters in one statement (32,766): 500 requests of 100 predictions each.
        var models = Enumerable.Range(0, 50_000).Select(i => $"model-{i}").Append("n").ToList();

        var found = await items.FindAsync(DocumentQuery.Where("model", Comparison.In, models), None);
        Assert.Equal("b", Assert.Single(found).Document.Id);
    }

    [SkippableFact]
    public async Task A_null_field_matches_only_an_equality_with_null()
    {
        var items = Open();
        await items.InsertManyAsync([NewItem("a", "m", Start, ItemState.Pending), NewItem("b", "m", Start, ItemState.Pending) with { Score = 0.5 }], None);

        Assert.Equal(["a"], (await items.FindAsync(DocumentQuery.Where("score", null), None)).Select(item => item.Document.Id));
        Assert.Equal(["b"], (await items.FindAsync(DocumentQuery.Where("score", Comparison.Greater, 0.25), None)).Select(item => item.Document.Id));
    }

    [SkippableFact]
    public async Task Streaming_reads_every_selected_document_in_order()
    {
        var items = Open();
        var many = Enumerable.Range(0, 2500).Select(i => NewItem($"k{i:D5}", "m", Start.AddSeconds(i), ItemState.Pending)).ToList();
        Assert.All(await items.InsertManyAsync(many, None), Assert.True);

        var read = new List<string>();
        await foreach (var item in items.StreamAsync(DocumentQuery.Where("model", "m").OrderByAscending("at"), None))
            read.Add(item.Document.Id);

        Assert.Equal(many.Select(item => item.Id), read);
    }

    [SkippableFact]
    public async Task Deleting_by_key_by_query_and_by_age_removes_exactly_those_documents()
    {
        var items = Open();
        await items.InsertManyAsync(
        [
            NewItem("a", "m", Start.AddDays(-3), ItemState.Pending),
            NewItem("b", "m", Start.AddDays(-1), ItemState.Pending),
            NewItem("c", "n", Start, ItemState.Joined),
            NewItem("d", "n", Start, ItemState.Pending),
        ], None);

        Assert.True(await items.DeleteAsync("d", None));
        Assert.False(await items.DeleteAsync("d", None));
        // Retention: what is older than two days goes.
        Assert.Equal(1, await items.DeleteManyAsync(DocumentQuery.Where("at", Comparison.Less, Start.AddDays(-2)), None));
        Assert.Equal(["b", "c"], (await items.FindAsync(DocumentQuery.All, None)).Select(item => item.Document.Id));
        Assert.Equal(1, await items.DeleteManyAsync(DocumentQuery.Where("model", "n"), None));
        Assert.Equal(["b"], (await items.FindAsync(DocumentQuery.All, None)).Select(item => item.Document.Id));
    }

    private static Item NewItem(string id, string model, DateTimeOffset at, ItemState state) => new(id, model, at, state, null, []);

    /// <summary>The test document.</summary>
    public sealed record Item(string Id, string Model, DateTimeOffset At, ItemState State, double? Score, IReadOnlyList<string> Tags);

    /// <summary>States of the test document, stored by name.</summary>
    public enum ItemState
    {
        /// <summary>Waiting.</summary>
        Pending,
        /// <summary>Done.</summary>
        Joined,
        /// <summary>Given up.</summary>
        Orphaned,
    }
}

using System.Text.Json;
using Contracts.Security;
using Retrainer.Audit;

namespace Retrainer.Tests.Audit;

/// <summary>
/// What <see cref="AuditStore"/> must do on either database. Each database's test class says how to open a store on the
/// test's own (at first empty) data and how to open it again, as after a restart.
/// </summary>
public abstract class AuditStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A store on this test's data.</summary>
    protected abstract AuditStore CreateStore();

    /// <summary>A new store object on the same data.</summary>
    protected abstract AuditStore Reopen(AuditStore store);

    [SkippableFact]
    public async Task An_entry_comes_back_whole_after_a_restart_and_a_second_copy_changes_nothing()
    {
        var store = CreateStore();
        var entry = Entry(Start, "key:0123456789ab", "flight-delay", 201) with
        {
            RouteValues = new Dictionary<string, string> { ["model"] = "flight-delay", ["version"] = "7" },
            Location = "/api/v1/models/flight-delay/versions/7",
            Operation = "RegisterModelVersion",
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
        };

        Assert.True(await store.AddAsync(entry, None));
        Assert.False(await Reopen(store).AddAsync(entry with { Status = 500, Outcome = AuditOutcomes.Failed }, None));

        var listed = Assert.Single(await Reopen(store).ListAsync(Everything(), None));
        Assert.Equal(JsonSerializer.Serialize(entry), JsonSerializer.Serialize(listed));
    }

    [SkippableFact]
    public async Task Entries_are_listed_newest_first_up_to_the_limit_and_filtered_by_who_outcome_model_and_time()
    {
        var store = CreateStore();
        var entries = new[]
        {
            Entry(Start, "key:aaaaaaaaaaaa", "flight-delay", 201),
            Entry(Start.AddMinutes(1), "anonymous", "flight-delay", 401),
            Entry(Start.AddMinutes(2), "key:aaaaaaaaaaaa", null, 201),
            Entry(Start.AddMinutes(3), "key:bbbbbbbbbbbb", "churn", 500),
            Entry(Start.AddMinutes(4), "key:aaaaaaaaaaaa", "churn", 404),
        };
        foreach (var entry in entries)
            Assert.True(await store.AddAsync(entry, None));

        await AssertListedAsync(store, entries, Everything(), 4, 3, 2, 1, 0);
        await AssertListedAsync(store, entries, Everything() with { Limit = 2 }, 4, 3);
        await AssertListedAsync(store, entries, Everything() with { Who = "key:aaaaaaaaaaaa" }, 4, 2, 0);
        await AssertListedAsync(store, entries, Everything() with { Outcome = AuditOutcomes.Refused }, 4, 1);
        await AssertListedAsync(store, entries, Everything() with { Model = "flight-delay" }, 1, 0);
        await AssertListedAsync(store, entries, Everything() with { Since = Start.AddMinutes(1), Until = Start.AddMinutes(4) }, 3, 2, 1);
        await AssertListedAsync(store, entries, Everything() with { Who = "key:aaaaaaaaaaaa", Model = "churn", Outcome = AuditOutcomes.Refused }, 4);
        Assert.Empty(await store.ListAsync(Everything() with { Who = "key:cccccccccccc" }, None));
    }

    [SkippableFact]
    public async Task Entries_recorded_before_a_time_are_deleted_and_later_ones_kept()
    {
        var store = CreateStore();
        await store.AddAsync(Entry(Start, "anonymous", null, 401), None);
        await store.AddAsync(Entry(Start.AddDays(1), "anonymous", null, 401), None);

        Assert.Equal(1, await store.DeleteBeforeAsync(Start.AddDays(1), None));

        Assert.Equal([Start.AddDays(1)], (await store.ListAsync(Everything(), None)).Select(entry => entry.At));
    }

    private static AuditQuery Everything() => new(null, null, null, null, null, 100);

    // Asserts which of the entries the query lists, by their index in entries, in the order listed.
    private static async Task AssertListedAsync(AuditStore store, AuditRecorded[] entries, AuditQuery query, params int[] expected) =>
        Assert.Equal(expected, (await store.ListAsync(query, None)).Select(listed => Array.FindIndex(entries, entry => entry.Id == listed.Id)));

    private static AuditRecorded Entry(DateTimeOffset at, string who, string? model, int status) => new(
        Guid.CreateVersion7(at),
        at,
        who,
        "Retrainer",
        "POST",
        model is null ? "/api/v1/keys" : "/api/v1/models/{model}/versions",
        model is null ? "/api/v1/keys" : $"/api/v1/models/{model}/versions",
        model is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["model"] = model },
        null,
        status,
        AuditOutcomes.Of(status),
        null,
        null);
}

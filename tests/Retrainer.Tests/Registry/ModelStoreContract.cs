using Modeling.Bundles;
using Modeling.Cards;
using Retrainer.Registry;

namespace Retrainer.Tests.Registry;

/// <summary>
/// What <see cref="ModelStore"/> must do on either provider (a SQLite file with the models folder, MongoDB with GridFS).
/// Each provider's test class derives from it and says how to open a store on the test's own (at first empty) data and
/// how to open it again; the tests are skippable (MongoDB without
/// <c>MONGODB_URI</c>, or no demo data for the bootstrap bundle).
/// </summary>
public abstract class ModelStoreContract(BootstrapModelFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>The bootstrap model, whose bundle the tests store under other names and versions.</summary>
    protected BootstrapModelFixture Fixture => fixture;

    /// <summary>When the tests register their versions, unless a test says otherwise.</summary>
    private static readonly DateTimeOffset Registered = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A store on this test's data.</summary>
    protected abstract ModelStore CreateStore();

    /// <summary>A new store object on the same data, as after a restart.</summary>
    protected abstract ModelStore Reopen(ModelStore store);

    [SkippableFact]
    public async Task A_stored_version_comes_back_with_its_card_and_the_exact_ONNX_file()
    {
        var store = CreateStore();
        var bundle = Version("flight-delay", "3");

        Assert.True(await store.AddAsync(bundle, Registered, None));

        var found = await store.FindAsync("flight-delay", "3", None);
        Assert.NotNull(found);
        Assert.Equal(bundle.Onnx, found.Onnx);
        Assert.Equal("3", found.Card.Version);
        Assert.Equal(ModelBundle.Sha256Of(bundle.Onnx), found.Card.Artifact.Sha256);
        Assert.Equal(bundle.Card.Features.Count, found.Card.Features.Count);
    }

    [SkippableFact]
    public async Task A_version_stored_again_keeps_its_first_content()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "3"), Registered, None);

        var changed = Version("flight-delay", "3") with { Onnx = [.. fixture.Bundle.Onnx, 0] };
        Assert.False(await store.AddAsync(changed, Registered, None));

        Assert.Equal(fixture.Bundle.Onnx, (await store.FindAsync("flight-delay", "3", None))!.Onnx);
    }

    [SkippableFact]
    public async Task Models_and_their_versions_are_listed()
    {
        var store = CreateStore();
        foreach (var (name, version) in new[] { ("flight-delay", "1"), ("flight-delay", "2"), ("arrival-delay", "7") })
            await store.AddAsync(Version(name, version), Registered, None);

        Assert.Equal(["arrival-delay", "flight-delay"], await store.ModelNamesAsync(None));
        Assert.Equal(["1", "2"], (await store.VersionsAsync("flight-delay", None)).Order());
        Assert.Empty(await store.VersionsAsync("nobody", None));
    }

    [SkippableFact]
    public async Task Unknown_versions_and_names_that_are_not_plain_find_nothing()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "1"), Registered, None);

        Assert.Null(await store.FindAsync("flight-delay", "99", None));
        Assert.Null(await store.FindAsync("..", "flight-delay", None));
        Assert.Null(await store.FindAsync("flight-delay/../flight-delay", "1", None));
        Assert.Empty(await store.VersionsAsync("../flight-delay", None));
    }

    [SkippableFact]
    public async Task An_invalid_card_is_refused_and_nothing_is_stored()
    {
        var store = CreateStore();
        var invalid = Version("flight-delay", "4") with { Card = fixture.Bundle.Card with { Version = "4", Name = "Not A Name!" } };

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddAsync(invalid, Registered, None));

        Assert.Empty(await store.ModelNamesAsync(None));
    }

    [SkippableFact]
    public async Task Versions_are_still_there_after_the_store_is_reopened()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "5"), Registered, None);

        var reopened = Reopen(store);

        Assert.Equal(fixture.Bundle.Onnx, (await reopened.FindAsync("flight-delay", "5", None))!.Onnx);
        Assert.False(await reopened.AddAsync(Version("flight-delay", "5"), Registered, None));
    }

    [SkippableFact]
    public async Task A_version_is_described_without_its_file_with_checksum_size_and_registration_time()
    {
        var store = CreateStore();
        var registeredAt = new DateTimeOffset(2026, 11, 23, 10, 17, 42, TimeSpan.Zero);
        await store.AddAsync(Version("flight-delay", "3"), registeredAt, None);

        var described = await store.DescribeAsync("flight-delay", "3", None);

        Assert.NotNull(described);
        Assert.Equal(("flight-delay", "3"), (described.ModelName, described.Version));
        Assert.Equal(ModelBundle.Sha256Of(fixture.Bundle.Onnx), described.Sha256);
        Assert.Equal(fixture.Bundle.Onnx.LongLength, described.Bytes);
        Assert.Equal("3", described.Card.Version);
        Assert.Equal(registeredAt, described.RegisteredAt);
        Assert.Equal(registeredAt, (await Reopen(store).DescribeAsync("flight-delay", "3", None))!.RegisteredAt);
        Assert.Null(await store.DescribeAsync("flight-delay", "4", None));
        Assert.Null(await store.DescribeAsync("..", "3", None));
    }

    [SkippableFact]
    public async Task A_version_s_reference_and_metrics_can_be_replaced_and_come_back_with_the_version_whose_model_is_unchanged()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "3"), Registered, None);
        var reference = new ReferenceStatistics { Rows = 7, Source = "dataset", Dataset = "later.csv", Columns = [] };
        var metrics = new TrainingMetrics { Holdout = new ClassificationMetrics { Rows = 7, Auc = 0.75 } };

        Assert.True(await store.SetReferenceAsync("flight-delay", "3", reference, metrics, None));
        Assert.False(await store.SetReferenceAsync("flight-delay", "4", reference, metrics, None));

        foreach (var card in new[]
        {
            (await Reopen(store).FindAsync("flight-delay", "3", None))!.Card,
            (await store.DescribeAsync("flight-delay", "3", None))!.Card,
            Assert.Single(await store.ListAsync("flight-delay", None)).Card,
        })
        {
            Assert.Equal(("later.csv", 7L), (card.Reference!.Dataset, card.Reference.Rows));
            Assert.Equal(0.75, card.Metrics!.Holdout!.Auc);
            Assert.Equal(fixture.Bundle.Card.Features.Count, card.Features.Count);
        }

        Assert.Equal(fixture.Bundle.Onnx, (await store.FindAsync("flight-delay", "3", None))!.Onnx);
        // Without metrics, the card keeps the ones it had.
        Assert.True(await store.SetReferenceAsync("flight-delay", "3", reference with { Rows = 8 }, null, None));
        Assert.Equal((8L, 0.75), ((await store.DescribeAsync("flight-delay", "3", None))!.Card.Reference!.Rows, (await store.DescribeAsync("flight-delay", "3", None))!.Card.Metrics!.Holdout!.Auc));
    }

    [SkippableFact]
    public async Task A_models_versions_are_listed_with_their_descriptions_and_no_other_models()
    {
        var store = CreateStore();
        foreach (var (name, version) in new[] { ("flight-delay", "1"), ("flight-delay", "2"), ("arrival-delay", "1") })
            await store.AddAsync(Version(name, version), Registered, None);

        var listed = await store.ListAsync("flight-delay", None);

        Assert.Equal(["1", "2"], listed.Select(version => version.Version).Order());
        Assert.All(listed, version => Assert.Equal("flight-delay", version.ModelName));
        Assert.Empty(await store.ListAsync("nobody", None));
    }

    [SkippableFact]
    public async Task A_deleted_version_is_gone_with_its_file_and_can_be_stored_again()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "1"), Registered, None);
        await store.AddAsync(Version("flight-delay", "2"), Registered, None);

        Assert.True(await store.DeleteAsync("flight-delay", "2", None));

        Assert.False(await store.DeleteAsync("flight-delay", "2", None));
        Assert.Null(await store.FindAsync("flight-delay", "2", None));
        Assert.Null(await store.DescribeAsync("flight-delay", "2", None));
        Assert.Equal(["1"], await store.VersionsAsync("flight-delay", None));
        Assert.NotNull(await Reopen(store).FindAsync("flight-delay", "1", None));
        Assert.True(await store.AddAsync(Version("flight-delay", "2"), Registered, None));
        Assert.Equal(fixture.Bundle.Onnx, (await store.FindAsync("flight-delay", "2", None))!.Onnx);
    }

    [SkippableFact]
    public async Task Deleting_a_models_last_version_leaves_no_model_and_no_alias_behind()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "1"), Registered, None);
        await store.SetAliasAsync(Alias("flight-delay", "challenger", "1"), None);

        Assert.True(await store.DeleteAsync("flight-delay", "1", None));

        Assert.Empty(await store.ModelNamesAsync(None));
        Assert.Empty(await store.AliasesAsync("flight-delay", None));
        Assert.False(await store.DeleteAsync("..", "flight-delay", None));
    }

    [SkippableFact]
    public async Task Aliases_are_set_moved_listed_in_name_order_and_removed_and_kept_across_a_reopen()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "1"), Registered, None);
        await store.AddAsync(Version("flight-delay", "2"), Registered, None);
        var at = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

        await store.SetAliasAsync(Alias("flight-delay", "champion", "1", at), None);
        await store.SetAliasAsync(Alias("flight-delay", "challenger", "2", at), None);
        await store.SetAliasAsync(Alias("flight-delay", "champion", "2", at.AddMinutes(1)), None);

        var aliases = await Reopen(store).AliasesAsync("flight-delay", None);
        Assert.Equal(
            [Alias("flight-delay", "challenger", "2", at), Alias("flight-delay", "champion", "2", at.AddMinutes(1))],
            aliases);
        Assert.Empty(await store.AliasesAsync("arrival-delay", None));

        Assert.True(await store.RemoveAliasAsync("flight-delay", "challenger", None));
        Assert.False(await store.RemoveAliasAsync("flight-delay", "challenger", None));
        Assert.Equal(["champion"], (await store.AliasesAsync("flight-delay", None)).Select(alias => alias.Name));
    }

    [SkippableFact]
    public async Task Adding_an_alias_that_exists_leaves_it_where_it_points()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "1"), Registered, None);
        await store.AddAsync(Version("flight-delay", "2"), Registered, None);

        Assert.True(await store.AddAliasAsync(Alias("flight-delay", "champion", "1"), None));
        Assert.False(await store.AddAliasAsync(Alias("flight-delay", "champion", "2"), None));

        Assert.Equal("1", Assert.Single(await store.AliasesAsync("flight-delay", None)).Version);
    }

    [SkippableFact]
    public async Task Aliases_of_one_model_are_not_another_models()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "1"), Registered, None);
        await store.AddAsync(Version("arrival-delay", "7"), Registered, None);

        await store.SetAliasAsync(Alias("flight-delay", "champion", "1"), None);
        await store.SetAliasAsync(Alias("arrival-delay", "champion", "7"), None);

        Assert.Equal("1", Assert.Single(await store.AliasesAsync("flight-delay", None)).Version);
        Assert.Equal("7", Assert.Single(await store.AliasesAsync("arrival-delay", None)).Version);
    }

    [SkippableFact]
    public async Task A_training_dataset_comes_back_as_uploaded_and_a_replaced_or_deleted_one_leaves_no_file_behind()
    {
        var store = CreateStore();
        var first = await store.SetTrainingDatasetAsync(Dataset("flight-delay", "a.csv"), new MemoryStream("x,kind\n1,low\n"u8.ToArray()), None);

        var found = await Reopen(store).TrainingDatasetAsync("flight-delay", None);
        Assert.Equal(first, found);
        Assert.Equal(Dataset("flight-delay", "a.csv") with { File = first.File }, found);
        Assert.Equal("x,kind\n1,low\n"u8.ToArray(), await ReadAllAsync(store, found!));
        Assert.Null(await store.TrainingDatasetAsync("arrival-delay", None));

        var second = await store.SetTrainingDatasetAsync(Dataset("flight-delay", "b.parquet"), new MemoryStream([1, 2, 3]), None);
        Assert.Equal("b.parquet", (await store.TrainingDatasetAsync("flight-delay", None))!.FileName);
        Assert.Equal([1, 2, 3], await ReadAllAsync(store, second));
        Assert.Null(await store.OpenTrainingDatasetAsync(first, None));

        Assert.True(await store.DeleteTrainingDatasetAsync("flight-delay", None));
        Assert.False(await store.DeleteTrainingDatasetAsync("flight-delay", None));
        Assert.Null(await store.TrainingDatasetAsync("flight-delay", None));
        Assert.Null(await store.OpenTrainingDatasetAsync(second, None));
    }

    [SkippableFact]
    public async Task Deleting_a_models_last_version_deletes_its_training_dataset()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "1"), Registered, None);
        await store.AddAsync(Version("flight-delay", "2"), Registered, None);
        var dataset = await store.SetTrainingDatasetAsync(Dataset("flight-delay", "a.csv"), new MemoryStream([1]), None);

        await store.DeleteAsync("flight-delay", "1", None);
        Assert.NotNull(await store.TrainingDatasetAsync("flight-delay", None));
        await store.DeleteAsync("flight-delay", "2", None);

        Assert.Null(await store.TrainingDatasetAsync("flight-delay", None));
        Assert.Null(await store.OpenTrainingDatasetAsync(dataset, None));
    }

    private static TrainingDataset Dataset(string model, string fileName) =>
        new(model, fileName, Modeling.Records.RecordFormat.Csv, 14, new string('a', 64), 1, 1, "kind", "1", Registered);

    private static async Task<byte[]> ReadAllAsync(ModelStore store, TrainingDataset dataset)
    {
        await using var stream = await store.OpenTrainingDatasetAsync(dataset, None);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static ModelAlias Alias(string model, string name, string version, DateTimeOffset? at = null) =>
        new(model, name, version, at ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private ModelBundle Version(string name, string version)
    {
        Skip.If(fixture.Bundle is null, "the demo data is missing: run scripts/fetch-demo-data.sh (scripts/test.sh does)");
        return fixture.Bundle with { Card = fixture.Bundle.Card with { Name = name, Version = version } };
    }
}

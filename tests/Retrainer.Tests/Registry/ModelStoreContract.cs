using Modeling.Bundles;
using Retrainer.Registry;

namespace Retrainer.Tests.Registry;

/// <summary>
/// What every <see cref="IModelStore"/> must do, whatever the store. Each store's test class derives from it
/// and says how to open a store on the test's own (at first empty) data and how to open it again; the tests
/// are skippable (MongoDB without <c>MONGODB_URI</c>, or no demo data for the bootstrap bundle).
/// </summary>
public abstract class ModelStoreContract(BootstrapModelFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>The bootstrap model, whose bundle the tests store under other names and versions.</summary>
    protected BootstrapModelFixture Fixture => fixture;

    /// <summary>A store on this test's data.</summary>
    protected abstract IModelStore CreateStore();

    /// <summary>A new store object on the same data, as after a restart.</summary>
    protected abstract IModelStore Reopen(IModelStore store);

    [SkippableFact]
    public async Task A_stored_version_comes_back_with_its_card_and_the_exact_ONNX_file()
    {
        var store = CreateStore();
        var bundle = Version("flight-delay", "3");

        Assert.True(await store.AddAsync(bundle, None));

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
        await store.AddAsync(Version("flight-delay", "3"), None);

        var changed = Version("flight-delay", "3") with { Onnx = [.. fixture.Bundle.Onnx, 0] };
        Assert.False(await store.AddAsync(changed, None));

        Assert.Equal(fixture.Bundle.Onnx, (await store.FindAsync("flight-delay", "3", None))!.Onnx);
    }

    [SkippableFact]
    public async Task Models_and_their_versions_are_listed()
    {
        var store = CreateStore();
        foreach (var (name, version) in new[] { ("flight-delay", "1"), ("flight-delay", "2"), ("arrival-delay", "7") })
            await store.AddAsync(Version(name, version), None);

        Assert.Equal(["arrival-delay", "flight-delay"], await store.ModelNamesAsync(None));
        Assert.Equal(["1", "2"], (await store.VersionsAsync("flight-delay", None)).Order());
        Assert.Empty(await store.VersionsAsync("nobody", None));
    }

    [SkippableFact]
    public async Task Unknown_versions_and_names_that_are_not_plain_find_nothing()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "1"), None);

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

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddAsync(invalid, None));

        Assert.Empty(await store.ModelNamesAsync(None));
    }

    [SkippableFact]
    public async Task Versions_are_still_there_after_the_store_is_reopened()
    {
        var store = CreateStore();
        await store.AddAsync(Version("flight-delay", "5"), None);

        var reopened = Reopen(store);

        Assert.Equal(fixture.Bundle.Onnx, (await reopened.FindAsync("flight-delay", "5", None))!.Onnx);
        Assert.False(await reopened.AddAsync(Version("flight-delay", "5"), None));
    }

    private ModelBundle Version(string name, string version)
    {
        Skip.If(fixture.Bundle is null, "the demo data is missing: run scripts/fetch-demo-data.sh (scripts/test.sh does)");
        return fixture.Bundle with { Card = fixture.Bundle.Card with { Name = name, Version = version } };
    }
}

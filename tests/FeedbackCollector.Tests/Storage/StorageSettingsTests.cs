using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Tests.Storage;

/// <summary>The service refuses to start with storage settings it cannot honour, and says which setting to fix.</summary>
public sealed class StorageSettingsTests
{
    [Fact]
    public void The_defaults_are_the_embedded_store_under_dot_data_store()
    {
        var options = new StorageOptions();

        Assert.Equal(StorageProvider.Embedded, options.Provider);
        Assert.Equal(Path.GetFullPath(Path.Combine(".data", "store", "feedbackcollector.db")), options.DatabasePathOf("feedbackcollector"));
        Assert.True(new StorageOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("../other")]
    [InlineData("Feedback")]
    [InlineData("a/b")]
    public void A_store_name_that_is_not_a_plain_file_name_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new StorageOptions().DatabasePathOf(name));

    [Fact]
    public async Task MongoDb_is_refused_at_start_up_until_it_is_implemented()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("Storage:Provider", "MongoDb")));

        Assert.Contains("Storage:Provider is MongoDb", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Use Embedded", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_provider_is_refused_at_start_up_naming_the_setting()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(("Storage:Provider", "Postgres")));

        Assert.Contains("Storage:Provider is 'Postgres'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Use Embedded", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_data_folder_is_refused_at_start_up_naming_the_setting()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("Storage:DataFolder", " ")));

        Assert.Contains("Storage:DataFolder", refused.Message, StringComparison.Ordinal);
    }

    private static async Task StartAsync((string Key, string Value) setting)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [setting.Key] = setting.Value });
        builder.AddServiceDefaults();
        builder.AddFeedbackCollector();
        builder.AddMessageBus();
        await using var app = builder.Build();
        await app.StartAsync();
        await app.StopAsync();
    }
}

using System.Net;
using FeedbackCollector.Predictions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

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
        Assert.Empty(options.Errors());
    }

    [Theory]
    [InlineData("../other")]
    [InlineData("Feedback")]
    [InlineData("a/b")]
    public void A_store_name_that_is_not_a_plain_file_name_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new StorageOptions().DatabasePathOf(name));

    [Fact]
    public async Task MongoDb_without_a_connection_string_is_refused_at_start_up_naming_the_setting()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("Storage:Provider", "MongoDb")));

        Assert.Contains("ConnectionStrings:MongoDb", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__MongoDb", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_string_that_is_not_MongoDB_s_is_refused_without_repeating_its_password()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(
            ("Storage:Provider", "MongoDb"), ("ConnectionStrings:MongoDb", "postgres://user:s3cret@db:5432")));

        Assert.Contains("ConnectionStrings:MongoDb is not a MongoDB connection string", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_MongoDb_the_service_keeps_its_predictions_in_MongoDB_and_is_not_ready_while_the_server_does_not_answer()
    {
        var builder = CreateBuilder(("Storage:Provider", "MongoDb"), ("ConnectionStrings:MongoDb", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500&connectTimeoutMS=500"));
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        try
        {
            Assert.IsType<MongoDocumentDatabase>(app.Services.GetRequiredKeyedService<IDocumentDatabase>(FeedbackCollectorService.StoreName));
            Assert.NotNull(app.Services.GetRequiredService<PredictionStore>());
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            using var ready = await client.GetAsync(HealthCheckExtensions.ReadyPath);
            using var live = await client.GetAsync(HealthCheckExtensions.LivePath);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("MongoDB does not answer", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }
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

    private static async Task StartAsync(params (string Key, string Value)[] settings)
    {
        await using var app = CreateBuilder(settings).Build();
        await app.StartAsync();
        await app.StopAsync();
    }

    private static WebApplicationBuilder CreateBuilder(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings.ToDictionary(setting => setting.Key, setting => (string?)setting.Value));
        builder.AddServiceDefaults();
        builder.AddFeedbackCollector();
        builder.AddMessageBus();
        return builder;
    }
}

using ServiceDefaults.RateLimiting;

namespace ServiceDefaults.Tests.RateLimiting;

/// <summary>The rate limit settings refuse values no limiter can take, each error naming its setting.</summary>
public sealed class RateLimitOptionsTests
{
    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(new RateLimitOptions().Errors());

    [Fact]
    public void A_fraction_of_a_request_per_second_is_a_rate()
    {
        var options = new RateLimitOptions { UploadsPerSecond = 0.5 };

        Assert.Empty(options.Errors());
        Assert.Equal(TimeSpan.FromSeconds(2), options.RefillOf(RateLimitKinds.Uploads));
    }

    [Fact]
    public void Each_invalid_setting_is_named()
    {
        var options = new RateLimitOptions
        {
            PredictionsPerSecond = 0,
            FeedbackPerSecond = double.NaN,
            UploadsPerSecond = 2_000_000,
            PredictionsBurst = 0,
            MaxConcurrentUploads = 0,
            FailedAuthenticationLimit = -1,
            FailedAuthenticationWindow = TimeSpan.Zero,
        };

        var errors = string.Join('\n', options.Errors());

        foreach (var setting in new[]
                 {
                     "RateLimits:PredictionsPerSecond", "RateLimits:FeedbackPerSecond", "RateLimits:UploadsPerSecond", "RateLimits:PredictionsBurst",
                     "RateLimits:MaxConcurrentUploads", "RateLimits:FailedAuthenticationLimit", "RateLimits:FailedAuthenticationWindow",
                 })
        {
            Assert.Contains(setting, errors, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("RateLimits:FeedbackBurst", errors, StringComparison.Ordinal);
    }
}

using System.Security.Claims;
using FeedbackCollector.Outcomes;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>Who reported an outcome: the caller over HTTP, <c>broker:&lt;user&gt;</c> for a trusted broker user, nobody else on the broker.</summary>
public sealed class OutcomeSourcesTests
{
    private static readonly string[] Trusted = ["platform-external", "partner-a"];

    [Fact]
    public void An_authenticated_caller_is_the_source_by_its_subject_and_a_caller_without_a_credential_is_anonymous()
    {
        var key = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "key:0a1b2c3d4e5f"), new Claim("scope", "feedback")], "ApiKey"));
        var token = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "token:ci-pipeline@example.com")], "Bearer"));
        var nobody = new ClaimsPrincipal(new ClaimsIdentity());
        // A subject claim on an identity nothing authenticated is not a caller.
        var unauthenticated = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "key:0a1b2c3d4e5f")]));

        Assert.Equal("key:0a1b2c3d4e5f", OutcomeSources.OfCaller(key));
        Assert.Equal("token:ci-pipeline@example.com", OutcomeSources.OfCaller(token));
        Assert.Equal("anonymous", OutcomeSources.OfCaller(nobody));
        Assert.Equal("anonymous", OutcomeSources.OfCaller(unauthenticated));
        Assert.Equal("anonymous", OutcomeSources.OfCaller(null));
    }

    [Fact]
    public void A_trusted_broker_user_is_the_source_as_broker_user()
    {
        Assert.Equal("broker:platform-external", OutcomeSources.OfBrokerUser("platform-external", Trusted, out var problem));
        Assert.Null(problem);
        Assert.Equal("broker:partner-a", OutcomeSources.OfBrokerUser("partner-a", Trusted, out _));
    }

    [Fact]
    public void An_outcome_without_user_id_or_from_another_broker_user_has_no_source_and_the_reason_names_the_setting()
    {
        Assert.Null(OutcomeSources.OfBrokerUser(null, Trusted, out var missing));
        Assert.Null(OutcomeSources.OfBrokerUser("", Trusted, out var empty));
        Assert.Null(OutcomeSources.OfBrokerUser("guest", Trusted, out var other));
        Assert.Null(OutcomeSources.OfBrokerUser("Platform-External", Trusted, out var otherCase));
        Assert.Null(OutcomeSources.OfBrokerUser("evil\nline", Trusted, out var forged));

        Assert.Contains("without the AMQP property user_id", missing, StringComparison.Ordinal);
        Assert.Equal(missing, empty);
        Assert.Contains("'guest', which is not a trusted broker user", other, StringComparison.Ordinal);
        Assert.Contains("'Platform-External'", otherCase, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", forged, StringComparison.Ordinal);
        foreach (var reason in new[] { missing, other })
            Assert.Contains("Feedback:TrustedBrokerUsers: platform-external, partner-a", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_trusted_broker_users_are_platform_external_unless_configured_and_each_configured_one_is_checked()
    {
        Assert.Equal(["platform-external"], new FeedbackOptions().EffectiveTrustedBrokerUsers);
        Assert.Equal(["partner-a", "guest"], new FeedbackOptions { TrustedBrokerUsers = ["partner-a", "guest"] }.EffectiveTrustedBrokerUsers);
        Assert.Empty(new FeedbackOptions { TrustedBrokerUsers = ["partner-a"] }.Errors());

        var errors = new FeedbackOptions { TrustedBrokerUsers = ["partner-a", " ", "two\nlines", new string('u', 201)] }.Errors().ToList();

        Assert.Equal(
            [
                "Feedback:TrustedBrokerUsers:1 must name a RabbitMQ user.",
                "Feedback:TrustedBrokerUsers:2 contains a control character (a line break, a tab, …).",
                "Feedback:TrustedBrokerUsers:3 is longer than 200 characters.",
            ],
            errors);
    }
}

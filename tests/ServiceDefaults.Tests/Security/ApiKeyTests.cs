using Contracts.Security;
using ServiceDefaults.Security;

namespace ServiceDefaults.Tests.Security;

/// <summary>
/// API keys as services check them: the key's form, its stored hash, and a service's directory of keys: a valid key
/// with its scopes, and refusals for a key of the wrong form, an unknown, revoked or tampered one, and an expired one.
/// </summary>
public sealed class ApiKeyTests
{
    [Fact]
    public void A_new_key_has_its_id_in_it_and_reads_back_and_two_keys_differ()
    {
        var (keyId, key) = ApiKeySecret.Create();
        var (otherId, other) = ApiKeySecret.Create();

        Assert.Matches("^mlp_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", key);
        Assert.True(ApiKeySecret.TryParse(key, out var parsed));
        Assert.Equal(keyId, parsed);
        Assert.NotEqual((keyId, key), (otherId, other));
        Assert.True(ApiKeySecret.Matches(key, ApiKeySecret.Hash(key)));
        Assert.False(ApiKeySecret.Matches(other, ApiKeySecret.Hash(key)));
        Assert.Matches("^[0-9a-f]{64}$", ApiKeySecret.Hash(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("mlp_")]
    [InlineData("secret")]
    [InlineData("mlp_0123456789AB_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // upper-case id
    [InlineData("mlp_0123456789ab-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // no separator
    [InlineData("mlp_0123456789ab_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")] // not base64url
    [InlineData("xyz_0123456789ab_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // another prefix
    public void Text_that_is_not_a_key_is_malformed(string text)
    {
        Assert.False(ApiKeySecret.TryParse(text, out _));
        Assert.Equal(ApiKeyOutcome.Malformed, new ApiKeyDirectory(new ManualClock()).Check(text).Outcome);
    }

    [Fact]
    public void The_directory_knows_the_keys_of_the_newest_list_with_their_scopes_and_refuses_the_rest()
    {
        var clock = new ManualClock();
        var directory = new ApiKeyDirectory(clock);
        var (readerId, reader) = ApiKeySecret.Create();
        var (expiringId, expiring) = ApiKeySecret.Create();
        var (revokedId, revoked) = ApiKeySecret.Create();
        Assert.False(directory.IsLoaded);
        Assert.Equal(ApiKeyOutcome.Unknown, directory.Check(reader).Outcome);

        directory.Update(new ApiKeysChanged(
        [
            new ApiKeyEntry(readerId, ApiKeySecret.Hash(reader), [Scopes.Read, Scopes.Predict], null),
            new ApiKeyEntry(expiringId, ApiKeySecret.Hash(expiring), [Scopes.Admin], clock.Now.AddHours(1)),
            new ApiKeyEntry(revokedId, ApiKeySecret.Hash(revoked), [Scopes.Feedback], null),
        ], clock.Now));
        // An older list, heard late, changes nothing; a newer one without the revoked key replaces it.
        directory.Update(new ApiKeysChanged([], clock.Now.AddMinutes(-1)));
        directory.Update(new ApiKeysChanged(
        [
            new ApiKeyEntry(readerId, ApiKeySecret.Hash(reader), [Scopes.Read, Scopes.Predict], null),
            new ApiKeyEntry(expiringId, ApiKeySecret.Hash(expiring), [Scopes.Admin], clock.Now.AddHours(1)),
        ], clock.Now.AddSeconds(1)));

        Assert.True(directory.IsLoaded);
        Assert.Equal(ApiKeyCheck.Valid(readerId, [Scopes.Read, Scopes.Predict]).Outcome, directory.Check(reader).Outcome);
        Assert.Equal([Scopes.Read, Scopes.Predict], directory.Check(reader).Scopes);
        Assert.Equal((ApiKeyOutcome.Valid, expiringId), (directory.Check(expiring).Outcome, directory.Check(expiring).KeyId));
        Assert.Equal(ApiKeyOutcome.Unknown, directory.Check(revoked).Outcome);
        // The right id with another secret is not the key.
        // The last of 43 base64url characters carries 4 bits and two zero bits: 'A' and 'E' keep the key's form.
        var tampered = reader[..^1] + (reader[^1] == 'A' ? 'E' : 'A');
        Assert.Equal(ApiKeyOutcome.Unknown, directory.Check(tampered).Outcome);

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal((ApiKeyOutcome.Expired, expiringId), (directory.Check(expiring).Outcome, directory.Check(expiring).KeyId));
    }
}

using FeatureBuilder;
using FeatureBuilder.Online;

namespace FeatureBuilder.Tests.Online;

/// <summary>FeatureBuilder:InferenceAddress: a DNS name or a static list of replicas, anything else refused at start-up with an example.</summary>
public sealed class InferenceAddressesTests
{
    [Fact]
    public void A_static_list_gives_every_replica_and_a_DNS_name_its_one_name()
    {
        var list = InferenceAddresses.Parse("static:///10.0.0.5:8081, inference-2:9000");
        Assert.Null(list.Error);
        Assert.False(list.Dns);
        Assert.Equal(["10.0.0.5:8081", "inference-2:9000"], list.Addresses.Select(address => address.EndPoint.ToString()));

        var dns = InferenceAddresses.Parse("dns:///inference-grpc:8081");
        Assert.Null(dns.Error);
        Assert.True(dns.Dns);
        Assert.Equal("inference-grpc:8081", Assert.Single(dns.Addresses).EndPoint.ToString());
    }

    [Theory]
    [InlineData("http://inference:8081", "must start with dns:/// or static:///")]
    [InlineData("static:///inference", "has 'inference' where host:port belongs")]
    [InlineData("static:///inference:0", "has 'inference:0' where host:port belongs")]
    [InlineData("static:///a:1,,b:2", "has '' where host:port belongs")]
    [InlineData("dns:///a:1,b:2", "takes one name after dns:///")]
    public void Anything_else_is_refused_when_the_options_are_validated(string setting, string error)
    {
        var options = new FeatureBuilderOptions { InferenceAddress = setting };

        var failure = Assert.Single(options.Errors(), message => message.StartsWith("FeatureBuilder:InferenceAddress", StringComparison.Ordinal));
        Assert.Contains(error, failure, StringComparison.Ordinal);
        Assert.Contains("e.g. dns:///inference-grpc:8081", failure, StringComparison.Ordinal);
    }
}

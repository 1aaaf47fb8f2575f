using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using ServiceDefaults.RateLimiting;

namespace ServiceDefaults.Tests.RateLimiting;

/// <summary>Who a request is counted against: the authenticated caller's <c>sub</c>, else its address (an IPv6 address by its /64).</summary>
public sealed class CallersTests
{
    [Fact]
    public void An_authenticated_caller_is_counted_by_its_subject()
    {
        var context = Context("192.0.2.7");
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "key:0123456789ab")], "ApiKey"));

        Assert.Equal("key:0123456789ab", Callers.Of(context));
    }

    [Theory]
    [InlineData("192.0.2.7", "address:192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "address:192.0.2.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "address:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "address:2001:db8:1:2::/64")]
    public void Anyone_else_is_counted_by_address(string address, string caller) =>
        Assert.Equal(caller, Callers.Of(Context(address)));

    [Fact]
    public void A_connection_without_an_address_is_unknown() =>
        Assert.Equal("address:unknown", Callers.Of(new DefaultHttpContext()));

    private static DefaultHttpContext Context(string address)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        return context;
    }
}

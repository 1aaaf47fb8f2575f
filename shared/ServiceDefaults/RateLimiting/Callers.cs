using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace ServiceDefaults.RateLimiting;

/// <summary>Who a request is counted against: its authenticated caller, else its client address.</summary>
public static class Callers
{
    /// <summary>
    /// The caller's <c>sub</c> claim (<c>key:&lt;key id&gt;</c> for an API key) when the request is authenticated, else
    /// <c>address:</c> and its <see cref="AddressOf">client address</see> (a request that needs no credential, or any
    /// request with <c>Security:Enabled=false</c>, unless it sends a valid key).
    /// </summary>
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.Identity?.IsAuthenticated == true && context.User.FindFirst("sub")?.Value is { Length: > 0 } subject
            ? subject
            : "address:" + AddressOf(context);
    }

    /// <summary>
    /// The address the connection comes from: an IPv4 address as it is (also when it arrives mapped into IPv6), an
    /// IPv6 address by its /64 prefix (one host or network usually holds a whole /64, and could change addresses within
    /// it at will); <c>unknown</c> when the server has none.
    /// </summary>
    public static string AddressOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Connection.RemoteIpAddress is not { } address)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4().ToString();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}

using System.Net;
using Integration.Tests.Online;

namespace Integration.Tests.TryIt;

/// <summary>
/// The try-it page through the gateway of the distributed mode: the route <c>/try/{**rest}</c> forwards to FeatureBuilder
/// and, like the dashboard's, takes no credential, so a browser without a key gets the page that asks for one.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class TryItGatewayTests(SharedSystem system)
{
    [Fact]
    public async Task The_gateway_serves_the_try_it_page_and_its_files_to_a_browser_without_a_key()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = system.Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        using (var redirect = await browser.GetAsync(new Uri("/try", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal(new Uri(system.Gateway.BaseAddress, "/try/"), new Uri(new Uri(system.Gateway.BaseAddress, "/try"), redirect.Headers.Location!));
        }

        using (var page = await browser.GetAsync(new Uri("/try/", UriKind.Relative)))
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"The gateway must serve the try-it page to anyone: {(int)page.StatusCode} {html}");
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Contains("src=\"try.js\"", html, StringComparison.Ordinal);
        }

        foreach (var (file, type) in new[] { ("try.js", "text/javascript"), ("try.css", "text/css") })
        {
            using var response = await browser.GetAsync(new Uri($"/try/{file}", UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/try/{file} through the gateway: {(int)response.StatusCode}");
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        }
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Security;

/// <summary>
/// In the distributed mode every public operation refuses a caller without a credential (401) and a caller whose key
/// lacks the operation's scope (403), at the gateway and on each service's own port, so a service reached directly
/// refuses too. The operations are read from the public OpenAPI document and from each service's own.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class DistributedScopeTests(DistributedSystem system)
{
    private static readonly string[] Services = ["retrainer", "featurebuilder", "inference-1", "feedbackcollector", "monitor"];

    [Fact]
    public async Task Every_operation_needs_a_credential_with_its_scope_at_the_gateway_and_at_every_service()
    {
        var keys = await OperationWalk.KeysLackingEachScopeAsync(system.Client);
        var document = await system.Client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/public.json", UriKind.Relative));
        var operations = OperationWalk.OperationsOf(document);
        Assert.True(operations.Count >= 45, $"the public document lists {operations.Count} operations");
        Assert.Equal(OperationWalk.OpenOperations, operations.Where(operation => operation.Scope is null).Select(operation => operation.ToString()).Order());

        var violations = new List<string>();
        var targets = Services.Select(system.Service).Select(service => (service.BaseAddress, Own: true)).Prepend((system.Gateway.BaseAddress, Own: false));
        foreach (var (address, own) in targets)
        {
            using var client = new HttpClient { BaseAddress = address };
            var walked = own ? OperationWalk.OperationsOf(await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative))) : operations;
            var read = walked.First(operation => operation.Scope == "read" && operation.Method == "GET");
            await OperationWalk.UntilKnownAsync(address, read.Path, keys["admin"], system.Failure);
            violations.AddRange(await OperationWalk.ViolationsAsync(address, walked, keys));
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }
}

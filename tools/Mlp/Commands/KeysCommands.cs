using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlp.Connection;
using Spectre.Console;
using static Mlp.Commands.ModelsCommands;

namespace Mlp.Commands;

/// <summary><c>mlp keys create | list | revoke</c>: the platform's API keys (the admin scope), the secret shown once.</summary>
public static class KeysCommands
{
    private static readonly string[] Scopes = ["predict", "feedback", "read", "admin"];

    /// <summary>The <c>keys</c> command and its subcommands.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var keys = new Command("keys", "API keys: create one with its scopes, list them (never their secrets), revoke one.");
        keys.Subcommands.Add(CreateKey(shared));
        keys.Subcommands.Add(List(shared));
        keys.Subcommands.Add(Revoke(shared));
        return keys;
    }

    private static Command CreateKey(SharedOptions shared)
    {
        var name = new Option<string>("--name") { Description = "What the key is for, e.g. \"scoring job\".", Required = true };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "A scope of the key (repeat for more): predict, feedback, read, admin.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong(Scopes);
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "When it stops working (ISO 8601, e.g. 2027-06-30T00:00:00Z); default: never." };
        var create = new Command("create", "Creates a key and shows it once: keep it, the platform stores only its hash.");
        create.Options.Add(name);
        create.Options.Add(scopes);
        create.Options.Add(expires);
        create.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var body = new JsonObject
            {
                ["name"] = run.Parsed.GetValue(name),
                ["scopes"] = new JsonArray([.. run.Parsed.GetValue(scopes)!.Distinct(StringComparer.Ordinal).Select(scope => (JsonNode)scope)]),
            };
            if (run.Parsed.GetValue(expires) is { } at)
                body["expiresAt"] = at.ToString("O", CultureInfo.InvariantCulture);
            var answer = await run.Client.PostJsonAsync("/api/v1/keys", body.ToJsonString(), cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var description = answer.GetProperty("description");
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow(Cell("Key"), Cell(Text(answer, "key")));
            grid.AddRow(Cell("Key id"), Cell(Text(description, "keyId")));
            grid.AddRow(Cell("Scopes"), Cell(string.Join(", ", description.GetProperty("scopes").EnumerateArray().Select(scope => scope.GetString()))));
            grid.AddRow(Cell("Expires"), Cell(Text(description, "expiresAt") is { Length: > 0 } expiry ? expiry : "never"));
            run.Terminal.Write(grid);
            run.Terminal.WriteLine("The key is shown this once: keep it (e.g. MLP_KEY, or \"key\" in the config file).");
            return 0;
        }));
        return create;
    }

    private static Command List(SharedOptions shared)
    {
        var list = new Command("list", "Every key: id, name, scopes, who created it, expiry and revocation. Never a secret.");
        list.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync("/api/v1/keys", cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var table = new Table().AddColumns("Key id", "Name", "Scopes", "Created", "By", "Expires", "Revoked");
            foreach (var key in answer.GetProperty("keys").EnumerateArray())
            {
                table.AddRow(
                    Cell(Text(key, "keyId")), Cell(Text(key, "name")), Cell(string.Join(", ", key.GetProperty("scopes").EnumerateArray().Select(scope => scope.GetString()))),
                    Cell(Text(key, "createdAt")), Cell(Text(key, "createdBy")), Cell(Text(key, "expiresAt")), Cell(Text(key, "revokedAt")));
            }

            run.Terminal.Write(table);
            return 0;
        }));
        return list;
    }

    private static Command Revoke(SharedOptions shared)
    {
        var id = new Argument<string>("KEY_ID") { Description = "The key's id (12 hexadecimal characters, as mlp keys list shows)." };
        var revoke = new Command("revoke", "Revokes a key: every process refuses it from its next check.");
        revoke.Arguments.Add(id);
        revoke.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var keyId = run.Parsed.GetValue(id)!;
            if (keyId.StartsWith("mlp_", StringComparison.Ordinal))
                throw new MlpException("Give the key's id (mlp keys list), not the key itself.");
            var answer = await run.Client.DeleteAsync($"/api/v1/keys/{Uri.EscapeDataString(keyId)}", cancellationToken);
            if (run.Terminal.Json)
                run.Terminal.WriteJson(answer);
            else
                run.Terminal.WriteLine($"Key {keyId} revoked.");
            return 0;
        }));
        return revoke;
    }
}

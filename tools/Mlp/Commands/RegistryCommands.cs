using System.CommandLine;
using System.Text.Json;
using Mlp.Connection;
using Spectre.Console;

namespace Mlp.Commands;

/// <summary>
/// The registry under <c>mlp models</c>: <c>register</c> a version (card, ONNX file, optional reference records),
/// <c>download</c> a version's ONNX file, <c>aliases set</c> (move the champion or any alias); the rest is
/// <see cref="VersionsCommands"/>.
/// </summary>
public static class RegistryCommands
{
    /// <summary>Adds the registry's subcommands to <c>models</c>.</summary>
    public static void AddTo(Command models, SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(shared);
        models.Subcommands.Add(Register(shared));
        models.Subcommands.Add(Download(shared));
        var aliases = Aliases(shared);
        models.Subcommands.Add(aliases);
        VersionsCommands.AddTo(models, aliases, shared);
    }

    private static Command Register(SharedOptions shared)
    {
        var model = ModelArgument();
        var card = new Option<string>("--card") { Description = "The model card (JSON): its name must be MODEL, its version the new version's.", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "The ONNX file.", Required = true };
        var reference = new Option<string?>("--reference") { Description = "Records the version's traffic is compared with for drift: a .csv, .jsonl or .parquet file (with the label field, the version's metrics too)." };
        var register = new Command("register", "Registers a version of MODEL from its card and ONNX file. The first version of a model serves at once; a later one serves once an alias (champion) points at it.");
        register.Arguments.Add(model);
        register.Options.Add(card);
        register.Options.Add(onnx);
        register.Options.Add(reference);
        register.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.PostMultipartAsync($"{VersionsPath(run.Parsed.GetValue(model)!)}", () =>
            {
                var content = new MultipartFormDataContent
                {
                    { PlatformClient.FileContent(run.Parsed.GetValue(card)!, "application/json"), "card", "model-card.json" },
                    { PlatformClient.FileContent(run.Parsed.GetValue(onnx)!, "application/octet-stream"), "onnx", "model.onnx" },
                };
                if (run.Parsed.GetValue(reference) is { } records)
                    content.Add(PlatformClient.FileContent(records, RecordFiles.MediaTypeOf(records)), "reference", Path.GetFileName(records));
                return content;
            }, cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow(ModelsCommands.Cell("Registered"), ModelsCommands.Cell($"{run.Parsed.GetValue(model)} version {ModelsCommands.Text(answer, "version")}"));
            grid.AddRow(ModelsCommands.Cell("Serving"), ModelsCommands.Cell(ModelsCommands.Text(answer, "serving")));
            grid.AddRow(ModelsCommands.Cell("SHA-256"), ModelsCommands.Cell(ModelsCommands.Text(answer, "sha256")));
            run.Terminal.Write(grid);
            return 0;
        }));
        return register;
    }

    private static Command Download(SharedOptions shared)
    {
        var model = ModelArgument();
        var version = new Option<string>("--version") { Description = "The version to download.", Required = true };
        var to = new Option<string?>("--to") { Description = "Where to write the ONNX file (default: MODEL-VERSION.onnx here)." };
        var download = new Command("download", "Downloads a version's ONNX file (for an edge device, or to inspect it).");
        download.Arguments.Add(model);
        download.Options.Add(version);
        download.Options.Add(to);
        download.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var (name, number) = (run.Parsed.GetValue(model)!, run.Parsed.GetValue(version)!);
            var file = run.Parsed.GetValue(to) ?? $"{name}-{number}.onnx";
            var bytes = await run.Client.DownloadAsync($"{VersionsPath(name)}/{Uri.EscapeDataString(number)}/artifact", file, cancellationToken);
            if (run.Terminal.Json)
                run.Terminal.WriteJson(JsonSerializer.SerializeToElement(new { file = Path.GetFullPath(file), bytes }));
            else
                run.Terminal.WriteLine($"Saved {name} version {number} to {file} ({bytes:N0} bytes)");
            return 0;
        }));
        return download;
    }

    private static Command Aliases(SharedOptions shared)
    {
        var model = ModelArgument();
        var alias = new Argument<string>("ALIAS") { Description = "The alias, e.g. champion (which version serves) or challenger." };
        var version = new Argument<string>("VERSION") { Description = "The version it is to point at." };
        var set = new Command("set", "Points ALIAS of MODEL at VERSION. Moving the champion moves the traffic: every replica switches to the version.");
        set.Arguments.Add(model);
        set.Arguments.Add(alias);
        set.Arguments.Add(version);
        set.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var (name, which) = (run.Parsed.GetValue(model)!, run.Parsed.GetValue(alias)!);
            var body = JsonSerializer.Serialize(new { version = run.Parsed.GetValue(version) });
            var answer = await run.Client.PutJsonAsync($"/api/v1/models/{Uri.EscapeDataString(name)}/aliases/{Uri.EscapeDataString(which)}", body, cancellationToken);
            if (run.Terminal.Json)
                run.Terminal.WriteJson(answer);
            else
                run.Terminal.WriteLine(ModelsCommands.Text(answer, "previousVersion") is { Length: > 0 } previous
                    ? $"{name} {which}: version {previous} → {ModelsCommands.Text(answer, "version")}"
                    : $"{name} {which}: version {ModelsCommands.Text(answer, "version")}");
            return 0;
        }));
        var aliases = new Command("aliases", "The model's aliases (champion, challenger, …).");
        aliases.Subcommands.Add(set);
        return aliases;
    }

    private static Argument<string> ModelArgument() => new("MODEL") { Description = "The model's name, e.g. flight-delay." };

    private static string VersionsPath(string model) => $"/api/v1/models/{Uri.EscapeDataString(model)}/versions";
}

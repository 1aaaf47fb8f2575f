using System.Diagnostics;
using RabbitMQ.Client;

namespace Integration.Tests.BrokerUsers;

/// <summary>
/// The platform's broker users on a test's virtual host, made as every deployment makes them: by
/// <c>scripts/broker-users.sh --apply</c> (its credentials file and definitions in a temporary folder of the test's own,
/// user names under a prefix of its own). Disposing deletes the users and the folder.
/// </summary>
public sealed class BrokerUserAccounts : IAsyncDisposable
{
    private static readonly string[] Roles = ["gateway", "featurebuilder", "inference", "feedbackcollector", "monitor", "retrainer", "external", "admin"];

    private readonly RabbitMqFixture _broker;
    private readonly string _folder;
    private readonly Dictionary<string, string> _credentials;

    private BrokerUserAccounts(RabbitMqFixture broker, string virtualHost, string prefix, string folder, Dictionary<string, string> credentials)
    {
        _broker = broker;
        VirtualHost = virtualHost;
        Prefix = prefix;
        _folder = folder;
        _credentials = credentials;
    }

    public string VirtualHost { get; }

    /// <summary>What every user name starts with (the script's <c>BROKER_USER_PREFIX</c>).</summary>
    public string Prefix { get; }

    /// <summary>The user of systems outside the platform.</summary>
    public string External => UserOf("external");

    /// <summary>A user name prefix of a test's own (<c>it-…-</c>), for a system that must know the names before the users are made.</summary>
    public static string NewPrefix() => $"it-{Guid.NewGuid():N}"[..15] + "-";

    /// <summary>The user name of <paramref name="role"/> under <paramref name="prefix"/>, as the script names it.</summary>
    public static string UserOf(string prefix, string role) => prefix + role;

    /// <summary>Runs the script for <paramref name="virtualHost"/> (user names under <paramref name="prefix"/>, a new one by default) and reads the credentials file it wrote.</summary>
    public static async Task<BrokerUserAccounts> CreateAsync(RabbitMqFixture broker, string virtualHost, string? prefix = null)
    {
        prefix ??= NewPrefix();
        var folder = Path.Combine(Path.GetTempPath(), $"it-broker-users-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "scripts", "broker-users.sh"));
        start.ArgumentList.Add("--apply");
        start.Environment["BROKER_DIR"] = folder;
        start.Environment["RABBITMQ_VHOST"] = virtualHost;
        start.Environment["BROKER_USER_PREFIX"] = prefix;
        start.Environment["RABBITMQ_HOST"] = RabbitMqFixture.Host;
        start.Environment["RABBITMQ_USER"] = RabbitMqFixture.Username;
        start.Environment["RABBITMQ_PASSWORD"] = RabbitMqFixture.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var accounts = new BrokerUserAccounts(broker, virtualHost, prefix, folder, []);
        if (process.ExitCode != 0)
        {
            await accounts.DisposeAsync();
            throw new InvalidOperationException($"scripts/broker-users.sh --apply exited with {process.ExitCode}:\n{await output}{await error}");
        }

        var file = Path.Combine(folder, "credentials.env");
        foreach (var line in await File.ReadAllLinesAsync(file))
        {
            if (line.Split('=', 2) is [var key, var value] && key.StartsWith("BROKER_", StringComparison.Ordinal))
                accounts._credentials[key] = value;
        }

        return accounts;
    }

    /// <summary>The user name of a role (<c>external</c>, <c>feedbackcollector</c>, …).</summary>
    public string UserOf(string role) => _credentials[$"BROKER_{role.ToUpperInvariant()}_USER"];

    /// <summary>A connection to the virtual host as the user of <paramref name="role"/>.</summary>
    public Task<IConnection> ConnectAsync(string role) => new ConnectionFactory
    {
        HostName = RabbitMqFixture.Host,
        Port = RabbitMqFixture.AmqpPort,
        VirtualHost = VirtualHost,
        UserName = UserOf(role),
        Password = _credentials[$"BROKER_{role.ToUpperInvariant()}_PASSWORD"],
    }.CreateConnectionAsync();

    /// <summary>The settings that make a service log in as the user of <paramref name="role"/> on the virtual host.</summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment(string role) => new Dictionary<string, string>
    {
        ["Messaging__Transport"] = "RabbitMq",
        ["Messaging__RabbitMq__Host"] = RabbitMqFixture.Host,
        ["Messaging__RabbitMq__Port"] = RabbitMqFixture.AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Messaging__RabbitMq__VirtualHost"] = VirtualHost,
        ["Messaging__RabbitMq__Username"] = UserOf(role),
        ["Messaging__RabbitMq__Password"] = _credentials[$"BROKER_{role.ToUpperInvariant()}_PASSWORD"],
    };

    public async ValueTask DisposeAsync()
    {
        await _broker.DeleteUsersAsync(Roles.Select(role => Prefix + role));
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}

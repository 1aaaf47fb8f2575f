namespace Deployment.Tests;

/// <summary>
/// The GitHub Actions workflow runs the same test command as this project's CI, with RabbitMQ and MongoDB
/// service containers, and the scripts it relies on honour what it sets.
/// </summary>
public sealed class WorkflowTests
{
    private const string WorkflowPath = ".github/workflows/ci.yml";

    [Fact]
    public void The_workflow_parses_and_runs_on_every_push_and_pull_request()
    {
        var workflow = Yaml.Document(Repository.Read(WorkflowPath));
        var triggers = Yaml.Entries(workflow["on"]).Select(entry => entry.Key).ToList();

        Assert.Contains("push", triggers);
        Assert.Contains("pull_request", triggers);
        // No branch or path filter: every push.
        Assert.Null(workflow["on"]!["push"]);
    }

    [Fact]
    public void The_job_runs_the_test_script_with_RabbitMQ_MongoDB_and_the_tools_it_needs()
    {
        var job = Assert.Single(Yaml.Entries(Yaml.Document(Repository.Read(WorkflowPath))["jobs"])).Value!;
        var steps = Yaml.Items(job["steps"]).ToList();

        Assert.Equal("ubuntu-latest", Yaml.Text(job["runs-on"]));
        Assert.StartsWith("rabbitmq:3.13-management", Yaml.Text(job["services"]?["rabbitmq"]?["image"]), StringComparison.Ordinal);
        Assert.Contains("5672:5672", Yaml.Items(job["services"]!["rabbitmq"]!["ports"]).Select(Yaml.Text));
        Assert.Contains("15672:15672", Yaml.Items(job["services"]!["rabbitmq"]!["ports"]).Select(Yaml.Text));
        Assert.StartsWith("mongo:7", Yaml.Text(job["services"]?["mongodb"]?["image"]), StringComparison.Ordinal);
        Assert.Contains("27017:27017", Yaml.Items(job["services"]!["mongodb"]!["ports"]).Select(Yaml.Text));
        Assert.Contains("--health-cmd", Yaml.Text(job["services"]!["rabbitmq"]!["options"]), StringComparison.Ordinal);
        Assert.Contains("mongosh", Yaml.Text(job["services"]!["mongodb"]!["options"]), StringComparison.Ordinal);

        Assert.Equal("mongodb://localhost:27017", Yaml.Text(job["env"]?["MONGODB_URI"]));
        Assert.Contains(steps, step => Yaml.Text(step["uses"])?.StartsWith("actions/setup-dotnet@", StringComparison.Ordinal) == true &&
            Yaml.Text(step["with"]?["dotnet-version"]) == "10.0.x");
        Assert.Contains(steps, step => Yaml.Text(step["uses"])?.StartsWith("actions/setup-node@", StringComparison.Ordinal) == true);
        Assert.Equal("./scripts/test.sh", Yaml.Text(steps[^1]["run"])?.Trim());
        Assert.Contains("exec ./scripts/test.sh", Repository.Read(".ci/run"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_RabbitMQ_script_installs_nothing_when_the_workflow_provides_the_broker()
    {
        var job = Assert.Single(Yaml.Entries(Yaml.Document(Repository.Read(WorkflowPath))["jobs"])).Value!;
        var script = Repository.Read("scripts/install-rabbitmq.sh");

        Assert.Equal("1", Yaml.Text(job["env"]?["RABBITMQ_EXTERNAL"]));
        var external = script.IndexOf("if [ \"${RABBITMQ_EXTERNAL:-}\" = 1 ]", StringComparison.Ordinal);
        Assert.True(external >= 0, "scripts/install-rabbitmq.sh does not read RABBITMQ_EXTERNAL");
        Assert.True(external < script.IndexOf("apt-get", StringComparison.Ordinal), "RABBITMQ_EXTERNAL is read only after the install");
    }

    [Fact]
    public void The_test_script_installs_the_deployment_tools()
    {
        var lines = Repository.Read("scripts/test.sh").Split('\n');
        var install = Array.IndexOf(lines, "./scripts/install-deploy-tools.sh");
        var build = Array.FindIndex(lines, line => line.StartsWith("dotnet build", StringComparison.Ordinal));

        Assert.True(install >= 0 && install < build, "scripts/test.sh does not run scripts/install-deploy-tools.sh before building");
        Assert.True(File.Exists(Repository.PathOf("scripts/install-deploy-tools.sh")));
    }
}

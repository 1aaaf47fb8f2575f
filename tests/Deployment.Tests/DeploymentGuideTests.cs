using System.Text.RegularExpressions;

namespace Deployment.Tests;

/// <summary>docs/deployment.md lists every setting the services bind, in its environment-variable form.</summary>
public sealed partial class DeploymentGuideTests
{
    private const string GuidePath = "docs/deployment.md";

    [Fact]
    public void Every_setting_of_every_options_class_is_in_the_guide()
    {
        var guide = Repository.Read(GuidePath);
        var settings = OptionsSettings().ToList();

        Assert.NotEmpty(settings);
        var missing = settings.Where(setting => !guide.Contains($"`{setting.Variable}`", StringComparison.Ordinal) &&
                                                 !guide.Contains($"`{setting.Variable},", StringComparison.Ordinal))
            .Select(setting => $"{setting.Variable} ({setting.File})")
            .Distinct();
        Assert.Empty(missing);
    }

    [Fact]
    public void The_guide_is_linked_from_the_README()
    {
        Assert.Contains("(docs/deployment.md)", Repository.Read("README.md"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The settings of each options class bound from a configuration section (a <c>SectionName</c> constant):
    /// <c>Section__Property</c> for each settable property, unless the property's documentation names another
    /// variable (as <c>StorageOptions.MongoDbConnectionString</c> names <c>ConnectionStrings__MongoDb</c>), plus
    /// every <c>X__Y</c> variable the options files mention (MessagingOptions documents its nested section so).
    /// </summary>
    private static IEnumerable<(string Variable, string File)> OptionsSettings()
    {
        foreach (var path in Repository.SourceFiles("*Options.cs"))
        {
            var file = Path.GetRelativePath(Repository.Root, path);
            var text = File.ReadAllText(path);
            foreach (Match mentioned in VariableMention().Matches(text))
            {
                yield return (mentioned.Value, file);
            }

            if (SectionName().Match(text) is not { Success: true } section)
            {
                continue;
            }

            // The class with the section: properties up to the next class declaration.
            var body = text[section.Index..];
            var nextClass = ClassDeclaration().Match(body);
            body = nextClass.Success ? body[..nextClass.Index] : body;
            foreach (Match property in SettableProperty().Matches(body))
            {
                if (property.Groups["type"].Value.EndsWith("Options", StringComparison.Ordinal))
                {
                    continue;
                }

                var documentation = property.Groups["doc"].Value;
                var variable = $"{section.Groups["name"].Value}__{property.Groups["name"].Value}";
                var named = VariableMention().Matches(documentation).Select(match => match.Value).ToList();
                yield return (named.Count > 0 && !named.Contains(variable) ? named[0] : variable, file);
            }
        }
    }

    [GeneratedRegex(@"\b[A-Z][A-Za-z]+(?:__[A-Z][A-Za-z]+)+\b")]
    private static partial Regex VariableMention();

    [GeneratedRegex(@"const\s+string\s+SectionName\s*=\s*""(?<name>\w+)""")]
    private static partial Regex SectionName();

    [GeneratedRegex(@"\n[^\n]*\bclass\s+\w+")]
    private static partial Regex ClassDeclaration();

    [GeneratedRegex(@"(?<doc>(?:[ \t]*///[^\n]*\n)*)[ \t]*public\s+(?<type>[\w.<>?]+)\s+(?<name>\w+)\s*\{\s*get;\s*set;\s*\}")]
    private static partial Regex SettableProperty();
}

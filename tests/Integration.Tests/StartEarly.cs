using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Integration.Tests.StartEarlyFirst", "Integration.Tests")]

namespace Integration.Tests;

/// <summary>
/// Marks a test class (or a collection's definition) that takes a minute or more: such collections start first. The run
/// is CPU-bound and runs three collections at once; one of these started last would keep the run going alone at the end.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StartEarlyAttribute : Attribute;

/// <summary>The test collections in the order they start: those marked <see cref="StartEarlyAttribute"/> first, then the rest, each by name.</summary>
public sealed class StartEarlyFirst : ITestCollectionOrderer
{
    private const string PerClassPrefix = "Test collection for ";

    /// <inheritdoc />
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(collection => StartsEarly(collection) ? 0 : 1).ThenBy(collection => collection.DisplayName, StringComparer.Ordinal);

    // A named collection by its definition class; a class's own collection (named after the class) by the class.
    private static bool StartsEarly(ITestCollection collection)
    {
        var type = collection.CollectionDefinition?.ToRuntimeType();
        if (type is null && collection.DisplayName.StartsWith(PerClassPrefix, StringComparison.Ordinal))
            type = typeof(StartEarlyFirst).Assembly.GetType(collection.DisplayName[PerClassPrefix.Length..].Split(' ')[0]);
        return type?.IsDefined(typeof(StartEarlyAttribute), inherit: false) == true;
    }
}

using Modeling.Flights;

namespace Modeling.Tests.Flights;

/// <summary>A theory that needs the demo flights file; skipped, saying how to fetch it, when it is absent.</summary>
public sealed class DemoDataTheoryAttribute : TheoryAttribute
{
    public DemoDataTheoryAttribute()
    {
        if (DemoData.FindFlightsFile() is null)
            Skip = "the demo data is missing: run scripts/fetch-demo-data.sh (scripts/test.sh does)";
    }
}

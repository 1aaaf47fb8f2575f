using Modeling.Flights;
using Xunit;

namespace TestSupport;

/// <summary>A fact that needs the demo flights file; skipped, saying how to fetch it, when it is absent.</summary>
public sealed class DemoDataFactAttribute : FactAttribute
{
    public DemoDataFactAttribute()
    {
        if (DemoData.FindFlightsFile() is null)
            Skip = "the demo data is missing: run scripts/fetch-demo-data.sh (scripts/test.sh does)";
    }
}

using ServiceDefaults.Pages;

namespace Monitor.Endpoints;

/// <summary>
/// The monitoring dashboard (docs/dashboard.md): <c>/dashboard/</c> serves the page (Dashboard/Assets, embedded as
/// <c>dashboard/*</c> by Monitor.csproj), <c>/dashboard/&lt;file&gt;</c> its styles and scripts, and <c>/dashboard</c>
/// redirects to <c>/dashboard/</c> (<see cref="PageEndpoints"/>).
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>Maps the dashboard's page and files.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app) =>
        app.MapPage("dashboard", typeof(DashboardEndpoints).Assembly, "Dashboard", "Dashboard");
}

using Monitor.Windows;

namespace Monitor.Tests.Windows;

/// <summary>
/// A version used the moment it is registered: its first events can reach Monitor before its card does. They wait for
/// the card (asked of the registry again) and are counted; only a version whose card does not come within
/// <see cref="TrafficRecorder.UnknownVersionWait"/> has its events counted as unmonitored.
/// </summary>
public sealed class UnknownVersionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "monitor-unknown-" + Guid.NewGuid().ToString("N"));
    private readonly TestClock _clock = new(Now);
    private MonitorServices _monitor = null!;

    public async Task InitializeAsync() =>
        _monitor = await MonitorServices.StartAsync(_folder, _clock, new MonitoringOptions { CountWindow = 1000, OutcomeCountWindow = 500 });

    public async Task DisposeAsync()
    {
        await _monitor.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Predictions_that_arrive_before_their_version_s_card_wait_for_it_and_are_counted()
    {
        var served = TaskTestData.MulticlassCard(TaskTestData.MulticlassRows(seed: 1, count: 500));
        var registered = TaskTestData.MulticlassCard(TaskTestData.MulticlassRows(seed: 2, count: 500), name: "just-registered");
        await _monitor.ServeAsync(served);

        var rows = TaskTestData.MulticlassRows(seed: 3, count: 3);
        var recording = _monitor.Recorder.RecordAsync([.. rows.Select(row => TaskTestData.MulticlassPrediction(registered, row, Now))], default);
        Assert.False(recording.IsCompleted);
        await _monitor.ServeAsync(served, registered);
        await recording;

        Assert.Equal(3, _monitor.Versions.Existing(registered.Name, registered.Version)!.Predictions);
    }

    [Fact]
    public async Task A_version_whose_card_does_not_come_is_counted_as_unmonitored_after_the_wait_without_holding_later_events()
    {
        var served = TaskTestData.MulticlassCard(TaskTestData.MulticlassRows(seed: 1, count: 500));
        var unknown = TaskTestData.MulticlassCard(TaskTestData.MulticlassRows(seed: 2, count: 500), name: "never-served");
        await _monitor.ServeAsync(served);
        var row = TaskTestData.MulticlassRows(seed: 3, count: 2);

        var first = _monitor.Recorder.RecordAsync([TaskTestData.MulticlassPrediction(unknown, row[0], Now)], default);
        _clock.Advance(TrafficRecorder.UnknownVersionWait - TimeSpan.FromSeconds(1));
        Assert.False(first.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await first;
        Assert.Null(_monitor.Versions.Existing(unknown.Name, unknown.Version));

        // Within the minute after the ask, another event of the version is not held up.
        var second = _monitor.Recorder.RecordAsync([TaskTestData.MulticlassPrediction(unknown, row[1], Now)], default);
        Assert.True(second.IsCompleted);
        Assert.Null(_monitor.Versions.Existing(unknown.Name, unknown.Version));
    }
}

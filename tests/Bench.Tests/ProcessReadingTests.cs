namespace Bench.Tests;

/// <summary>What the bench reads from /proc and from a service's /metrics, and the cost arithmetic on it.</summary>
public sealed class ProcessReadingTests
{
    [Fact]
    public void Stat_line_gives_own_and_waited_children_times_in_seconds_even_with_spaces_and_parentheses_in_the_name()
    {
        // Fields 14-17: utime 250, stime 50, cutime 30, cstime 7 ticks of 1/100 s.
        const string Line = "4242 (dotnet (a) b) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 7 20 0 25 0 1000 100000 2000";

        var stat = ProcStat.Parse(Line);

        Assert.Equal(3.0, stat.OwnSeconds, 9);
        Assert.Equal(0.37, stat.WaitedChildrenSeconds, 9);
    }

    [Fact]
    public void Listening_sockets_are_the_rows_in_state_0A_with_their_port_and_inode()
    {
        string[] table =
        [
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:1518 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0",
            "   1: 0100007F:1518 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 123457 1 0000000000000000 20 4 30 10 -1",
        ];

        var listening = LinuxProcesses.ParseListeningSockets(table).ToList();

        Assert.Equal([(5400, 123456L)], listening);
    }

    [Fact]
    public void Allocated_bytes_are_read_from_the_runtime_counter_and_other_metrics_are_ignored()
    {
        const string Metrics = """
            # TYPE dotnet_gc_heap_total_allocated_bytes_total counter
            # HELP dotnet_gc_heap_total_allocated_bytes_total The approximate number of bytes allocated on the managed GC heap.
            dotnet_gc_heap_total_allocated_bytes_total{otel_scope_name="System.Runtime"} 20659144 1700000000000
            dotnet_gc_heap_total_allocated_bytes_total_other 5
            aspnetcore_memory_pool_allocated_bytes_total{otel_scope_name="Microsoft.AspNetCore.MemoryPool"} 4096
            """;

        Assert.Equal(20659144, AllocatedBytes.Parse(Metrics));
        Assert.Equal(1234, AllocatedBytes.Parse("dotnet_gc_heap_total_allocated_bytes_total 1.234e3\n"));
        Assert.Null(AllocatedBytes.Parse("process_cpu_seconds_total 3\n"));
    }

    [Fact]
    public void Cost_per_hop_is_cpu_per_prediction_and_allocation_per_request_and_the_total_leaves_the_generator_out()
    {
        var subjects = new[]
        {
            new CostSubject("wrk", () => null, null, IsLoadGenerator: true),
            new CostSubject("Gateway", () => null, null, IsLoadGenerator: false),
            new CostSubject("RabbitMQ", () => null, null, IsLoadGenerator: false),
        };
        var before = new CostReading(
            new Dictionary<string, double?> { ["wrk"] = 1.0, ["Gateway"] = 10.0, ["RabbitMQ"] = 2.0 },
            new Dictionary<string, long?> { ["wrk"] = null, ["Gateway"] = 1_000_000, ["RabbitMQ"] = null });
        var after = new CostReading(
            new Dictionary<string, double?> { ["wrk"] = 1.5, ["Gateway"] = 12.0, ["RabbitMQ"] = null },
            new Dictionary<string, long?> { ["wrk"] = null, ["Gateway"] = 1_000_000 + (2000 * 1024), ["RabbitMQ"] = null });

        // 2000 requests of 10 records: 20,000 predictions.
        var costs = HopCost.Between(subjects, before, after, requests: 2000, recordsPerRequest: 10);

        Assert.Equal(25, costs[0].CpuMicrosecondsPerPrediction!.Value, 9);
        Assert.Equal(100, costs[1].CpuMicrosecondsPerPrediction!.Value, 9);
        Assert.Equal(1, costs[1].AllocatedKilobytesPerRequest!.Value, 9);
        Assert.Null(costs[2].CpuMicrosecondsPerPrediction);
        Assert.Null(costs[0].AllocatedKilobytesPerRequest);
        Assert.Equal(100, HopCost.PlatformTotal(costs)!.Value, 9);
    }
}

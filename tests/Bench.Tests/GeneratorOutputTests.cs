namespace Bench.Tests;

/// <summary>What the bench reads from wrk's and h2load's output.</summary>
public sealed class GeneratorOutputTests
{
    [Fact]
    public void Wrk_answers_of_400_and_above_and_socket_errors_are_errors_and_the_rest_completed()
    {
        const string Output = """
            Running 3s test @ http://127.0.0.1:5400/api/v1/models/flight-delay/predict
              1 threads and 8 connections
            bench-result requests=1500 duration_us=3001234 connect=1 read=2 write=3 status=10 timeout=4 p50_us=1234 p99_us=5678

            """;

        var result = WrkLoad.Parse(Output);

        Assert.Equal(1490, result.Completed);
        Assert.Equal(20, result.Errors);
        Assert.Equal(3.001234, result.Seconds, 6);
        Assert.Equal(1490 / 3.001234, result.PerSecond, 6);
        Assert.Equal(1.234, result.P50Ms!.Value, 6);
        Assert.Equal(5.678, result.P99Ms!.Value, 6);
    }

    [Fact]
    public void Wrk_output_without_the_script_line_is_refused()
    {
        Assert.Throws<FormatException>(() => WrkLoad.Parse("Running 3s test @ http://127.0.0.1/\n  Requests/sec: 100\n"));
    }

    [Fact]
    public void H2load_log_gives_latencies_of_2xx_answers_errors_of_the_rest_and_the_rate_sent()
    {
        // start (µs since the epoch), status, µs to the end of the response; rows in the order answers ended.
        string[] log =
        [
            "1700000000000000\t200\t1000",
            "1700000000010000\t200\t3000",
            "1700000000005000\t503\t2000",
            "1700000000020000\t-1\t0",
            "1700000000015000\t200\t2000",
        ];

        var (latencies, sentPerSecond) = H2LoadOpenLoop.ParseLog(log);

        Assert.Equal(3, latencies.Count);
        Assert.Equal(2, latencies.Errors);
        Assert.Equal(2.0, latencies.Percentile(0.5), 9);
        Assert.Equal(3.0, latencies.Percentile(0.99), 9);
        // Four intervals between the first start and the last, over 20 ms.
        Assert.Equal(200, sentPerSecond, 9);
    }

    [Theory]
    // rate, requests, minimum connections → connections, each one's rate, opened per period, period (ms)
    [InlineData(50, 150, 1, 1, 50, 1, 20)]
    [InlineData(5000, 15000, 16, 50, 100, 5, 1)]
    [InlineData(5001, 15003, 16, 51, 5001 / 51.0, 6, 1)]
    [InlineData(106, 318, 64, 64, 106 / 64.0, 1, 9)]
    [InlineData(45, 135, 64, 33, 45 / 33.0, 1, 22)]
    public void H2load_connections_carry_at_most_100_a_second_at_least_the_minimum_at_most_one_per_four_requests_opened_across_a_tick(
        double perSecond, long requests, int minimum, int connections, double perConnection, int openedPerPeriod, int periodMilliseconds)
    {
        var plan = H2LoadOpenLoop.Plan(perSecond, requests, minimum);

        Assert.Equal(connections, plan.Connections);
        Assert.Equal(perConnection, plan.PerConnection, 9);
        Assert.Equal(openedPerPeriod, plan.OpenedPerPeriod);
        Assert.Equal(periodMilliseconds, plan.PeriodMilliseconds);
    }
}

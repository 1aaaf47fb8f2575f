namespace Bench;

/// <summary>
/// The method section of the online report (docs/benchmarks.md is the report, rewritten by every run, so the method
/// lives here): what each row measures, how the cost of each hop is read, how the load generators work and their floor.
/// </summary>
public static class BenchMethod
{
    /// <summary>The section, in Markdown.</summary>
    public const string Markdown = """
        ## Method

        **Rows.** (a) one ONNX Runtime scoring call in the bench's process on rows already featurized; (b) a minimal-API
        server in the bench's process that featurizes and scores the same way (`NaiveModelServer`); (c) the tensor API
        (`/v2/models/{m}/infer`) and (d) the raw-record API (`/api/v1/models/{m}/predict`), first through the gateway of the
        distributed mode the bench starts (`scripts/run-distributed.sh`: seven processes, two Inference replicas, RabbitMQ),
        then against the embedded default it starts as `scripts/run.sh` does (one process, the in-memory bus), each with a
        copy of the models, its own admin key and the predictions rate limit lifted. With `--gateway URL` the bench measures
        that platform only, and labels its rows embedded when the process listening on the gateway's port runs `Embedded.dll`.
        Row (d) keeps its label across runs; since the gRPC hop its synchronous call from FeatureBuilder to Inference is gRPC,
        and RabbitMQ carries the predictions' events.

        **Throughput (closed loop).** HTTP rows: `wrk` (Debian's package, `scripts/install-bench-tools.sh`), one thread, 1, 8
        and 32 connections in turn, each sending its next request when the previous answer has arrived; the bodies are 200
        different requests (1 or 100 flights each) sent in turn, with the bearer key (`bench/Bench/wrk-post.lua`; the key
        reaches the script through the environment). Row (a): 1, 8 and 32 threads of the bench calling back to back. A row's
        throughput is the best of the three runs, in requests answered 2xx per second; errors are every other answer, socket
        error or timeout over all runs of the row.

        **Cost per hop.** Before and after each closed-loop run the bench reads each process's CPU time, utime + stime of
        `/proc/<pid>/stat` (all its threads, user and kernel, in ticks of 10 ms), and divides the difference by the
        predictions made in the run (requests answered 2xx × records per request); the table shows the run that gave the
        row's throughput. The processes are found from the port the gateway listens on (`/proc/net/tcp` and the sockets in
        `/proc/<pid>/fd`): the gateway, the services running `<Service>.dll` beside it (the same parent process, as
        `run-distributed.sh` starts them; else the only process on the machine running that dll), and RabbitMQ, the
        `beam.smp` process of a `rabbit` node; one not found is named under its table. wrk's CPU time is what the bench's
        own `cutime` + `cstime` grew by: the kernel adds a child's times there when the bench waits for it to end. For (a)
        the bench's process is the generator and ONNX Runtime together; for (b) it is the naive server (the bench itself is
        idle while wrk runs). The figures include whatever else each process did during the run: its timers, the Monitor's
        windows, the prediction log's writes, publishing and consuming events. RabbitMQ's figure includes any other traffic
        on the same node (other virtual hosts, e.g. tests running beside the bench). The totals leave the load generator out.
        Allocations: the bytes allocated on the managed heap, `dotnet_gc_heap_total_allocated_bytes_total` (the runtime's
        `dotnet.gc.heap.total_allocated`) on the `/metrics` of the gateway, FeatureBuilder, each Inference replica and the
        embedded host, read before and after the run, divided by the requests; for the bench's process (rows (a) and (b))
        its garbage collector's own count. The counter is approximate by up to a few KB per thread, and the scrape itself
        allocates in the service once per reading.

        **Latency (open loop).** At half the row's throughput for the same duration. HTTP rows: `h2load` (Debian's
        nghttp2-client) over HTTP/1.1. Each connection sends its share of the rate on its own timer (`--rps`, whose timer
        ticks every max(10 ms, 1/share) and sends what is due); there are enough connections that none carries more than
        100 requests a second, and at least twice the callers of the row's best closed loop (so a connection's interval is
        long beside the path's latency at half load), at most one per four requests; they are opened one after the other
        across one tick, so their requests are spread over time rather than sent together. Every request carries the first
        of the row's 200 bodies (h2load sends one body). A request's latency is from when h2load sent it to the end of the
        answer, from h2load's per-request log (`--log-file`); the percentiles are computed from every request. A connection
        sends its next request only after the previous answer, so a request due while its connection still waits is held
        back, and that wait is not in its latency: the rate actually sent (first to last request) is checked, and a row
        sent at less than 95% of the rate asked for is
        named under the table. Row (a): one thread per core, thread j calling requests j, j + cores, …, each sleeping until
        2 ms before its call is due and then spinning, so a call starts within microseconds of when it was due; its latency
        is measured from when it was due, so a thread that falls behind adds its wait to the latency (no coordinated omission).

        **Latency at one caller.** The closed loop of one connection, the first of the three throughput runs of every HTTP
        row: wrk's median and 99th percentile of the answers (from `wrk-post.lua`'s `done`). One caller sends its next
        request only when the previous one was answered, so no request waits behind another: the latency is the path's own.
        The latency a path adds is its median minus (b)'s at the same records per request, the same generator and loopback.

        **The generators' floor.** At the end, each open-loop generator runs against a target that does nothing, at the
        rate of the busiest open loop it ran: h2load against the naive server's `GET /health`, the in-process loop calling
        an empty function. The latency it shows is the generator's own (and, for h2load, the loopback and Kestrel's); a
        row's latency above it is the path's.

        **The event path.** While the distributed mode runs, the bench publishes prediction requests on `platform.ingest`
        (plain JSON, one flight each, routing key `prediction.requested`, persistent) with the plain RabbitMQ client as the
        run's external broker user (`$DATA_DIR/broker/credentials.env`), keeping at most 1,000 unconfirmed, and reads their
        predictions from a queue of its own bound to `platform.events`: 2,000 to warm up, then 50,000 measured from the first
        publish to the last prediction. The CPU time per prediction of every process is read around the measured run as above
        (the bench's own process publishes and reads, and is left out of the total).

        **The synchronous hop.** Also while the distributed mode runs, the bench calls its two Inference replicas itself,
        one record's feature row per call, both ways FeatureBuilder could: MassTransit's request/response over RabbitMQ
        (`ScoreRequest` as FeatureBuilder's broker user; the replicas compete on one queue) and gRPC over HTTP/2 (`ModelInfer`
        with raw contents, calls alternating between the replicas' gRPC ports), each after a 1 s warm-up with 1 caller
        (latency) and 32 callers (throughput) calling back to back for the run's duration; the CPU time per call of every
        process as above. Inference does the same work either way (score, answer, publish the event); the tensor path
        batches concurrent calls in Inference, the broker path leaves batching to FeatureBuilder, which the bench bypasses.
        """;
}

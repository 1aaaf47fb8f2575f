namespace Bench;

/// <summary>
/// Something whose CPU time (and allocations, where it has them) the bench reads before and after a closed-loop
/// measurement: a platform process, the bench's own process, or the external load generator.
/// </summary>
/// <param name="Name">As the report names it.</param>
/// <param name="CpuSeconds">Reads its CPU time so far (user + system), null when it cannot be read.</param>
/// <param name="AllocatedBytes">Reads its managed bytes allocated so far, or null (the function, or its answer) where there is no such figure.</param>
/// <param name="IsLoadGenerator">Whether it is the load generator (left out of the platform's total).</param>
public sealed record CostSubject(string Name, Func<double?> CpuSeconds, Func<Task<long?>>? AllocatedBytes, bool IsLoadGenerator)
{
    /// <summary>A process of the platform (or the naive server's): its /proc times, and its /metrics when it has them.</summary>
    public static CostSubject Of(MeasuredProcess process, HttpClient metricsClient) =>
        new(process.Name, () => ProcStat.Read(process.Pid)?.OwnSeconds,
            process.Metrics is { } metrics ? () => Bench.AllocatedBytes.ReadAsync(metricsClient, metrics) : null, false);

    /// <summary>
    /// The bench's own process: the in-process generator with ONNX Runtime for (a), the naive server for (b). Its
    /// allocations come from its own garbage collector.
    /// </summary>
    public static CostSubject BenchProcess(string name, bool isLoadGenerator) =>
        new(name, () => ProcStat.Read(Environment.ProcessId)?.OwnSeconds, () => Task.FromResult<long?>(GC.GetTotalAllocatedBytes(precise: true)), isLoadGenerator);

    /// <summary>
    /// An external generator the bench runs as a child process and waits for (wrk): its CPU time is added to the
    /// bench's cutime and cstime when it has ended and been waited for, so the reading after it ends counts all of it.
    /// </summary>
    public static CostSubject ChildGenerator(string name) =>
        new(name, () => ProcStat.Read(Environment.ProcessId)?.WaitedChildrenSeconds, null, true);
}

/// <summary>What each subject had used at one moment.</summary>
/// <param name="CpuSeconds">CPU time per subject name (null: not readable).</param>
/// <param name="AllocatedBytes">Bytes allocated per subject name (null: no such figure).</param>
public sealed record CostReading(IReadOnlyDictionary<string, double?> CpuSeconds, IReadOnlyDictionary<string, long?> AllocatedBytes)
{
    /// <summary>Reads every subject.</summary>
    public static async Task<CostReading> TakeAsync(IReadOnlyList<CostSubject> subjects)
    {
        var cpu = new Dictionary<string, double?>();
        var allocated = new Dictionary<string, long?>();
        foreach (var subject in subjects)
        {
            cpu[subject.Name] = subject.CpuSeconds();
            allocated[subject.Name] = subject.AllocatedBytes is { } read ? await read() : null;
        }

        return new CostReading(cpu, allocated);
    }
}

/// <summary>What one process spent on the predictions of one closed-loop measurement.</summary>
/// <param name="Process">The subject's name.</param>
/// <param name="CpuMicrosecondsPerPrediction">CPU time per prediction (request × records), µs; null when it could not be read.</param>
/// <param name="AllocatedKilobytesPerRequest">Managed bytes allocated per request, KB (1024 bytes); null where not read.</param>
/// <param name="IsLoadGenerator">Whether it is the load generator.</param>
public sealed record HopCost(string Process, double? CpuMicrosecondsPerPrediction, double? AllocatedKilobytesPerRequest, bool IsLoadGenerator)
{
    /// <summary>
    /// The cost of each subject between two readings, for <paramref name="requests"/> completed requests of
    /// <paramref name="recordsPerRequest"/> records: CPU seconds used ÷ predictions, bytes allocated ÷ requests.
    /// </summary>
    public static IReadOnlyList<HopCost> Between(IReadOnlyList<CostSubject> subjects, CostReading before, CostReading after, long requests, int recordsPerRequest)
    {
        var predictions = (double)requests * recordsPerRequest;
        return [.. subjects.Select(subject => new HopCost(
            subject.Name,
            Difference(before.CpuSeconds[subject.Name], after.CpuSeconds[subject.Name]) is { } cpu && requests > 0 ? cpu * 1e6 / predictions : null,
            Difference(before.AllocatedBytes[subject.Name], after.AllocatedBytes[subject.Name]) is { } bytes && requests > 0 ? bytes / 1024.0 / requests : null,
            subject.IsLoadGenerator))];
    }

    /// <summary>The CPU per prediction of every process but the load generator, added up (null when none was read).</summary>
    public static double? PlatformTotal(IReadOnlyList<HopCost> costs) =>
        costs.Where(cost => !cost.IsLoadGenerator && cost.CpuMicrosecondsPerPrediction is not null) is var read && read.Any()
            ? read.Sum(cost => cost.CpuMicrosecondsPerPrediction!.Value) : null;

    private static double? Difference(double? before, double? after) => before is { } start && after is { } end ? end - start : null;

    private static double? Difference(long? before, long? after) => before is { } start && after is { } end ? end - start : null;
}

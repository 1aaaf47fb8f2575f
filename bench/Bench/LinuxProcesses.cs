using System.Globalization;

namespace Bench;

/// <summary>What <c>/proc</c> tells about the other processes of this machine: command lines, parents, listening ports.</summary>
public static class LinuxProcesses
{
    private static readonly string[] TcpTables = ["/proc/net/tcp", "/proc/net/tcp6"];

    /// <summary>The ids of every process.</summary>
    public static IEnumerable<int> All() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(name => int.TryParse(name, out var pid) ? pid : 0).Where(pid => pid > 0);

    /// <summary>The arguments of process <paramref name="pid"/> (the program first), empty when it has ended or cannot be read.</summary>
    public static string[] CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The parent of process <paramref name="pid"/> (field 4 of its stat line), or 0 when it cannot be read.</summary>
    public static int ParentOf(int pid)
    {
        try
        {
            var line = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(line[(line.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The process that listens on TCP port <paramref name="port"/> (IPv4 or IPv6), or null.</summary>
    public static int? ListeningOn(int port)
    {
        var sockets = ListeningSockets().Where(socket => socket.Port == port).Select(socket => socket.Inode).ToHashSet();
        return sockets.Count == 0 ? null : All().Cast<int?>().FirstOrDefault(pid => SocketInodes(pid!.Value).Overlaps(sockets));
    }

    /// <summary>The TCP ports process <paramref name="pid"/> listens on, lowest first.</summary>
    public static IReadOnlyList<int> ListeningPorts(int pid)
    {
        var owned = SocketInodes(pid);
        return [.. ListeningSockets().Where(socket => owned.Contains(socket.Inode)).Select(socket => socket.Port).Distinct().Order()];
    }

    /// <summary>
    /// The listening sockets of <c>/proc/net/tcp</c> and <c>tcp6</c>: on each line after the header, field 2 is the local
    /// address as hex <c>address:port</c>, field 4 the state (0A is LISTEN) and field 10 the socket's inode.
    /// </summary>
    public static IEnumerable<(int Port, long Inode)> ParseListeningSockets(IEnumerable<string> lines)
    {
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[3] != "0A")
                continue;
            var port = int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            yield return (port, long.Parse(fields[9], CultureInfo.InvariantCulture));
        }
    }

    private static IEnumerable<(int Port, long Inode)> ListeningSockets() =>
        TcpTables.Where(File.Exists).SelectMany(file => ParseListeningSockets(File.ReadLines(file)));

    private static HashSet<long> SocketInodes(int pid)
    {
        var inodes = new HashSet<long>();
        try
        {
            foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                // A socket's descriptor links to "socket:[inode]".
                if (new FileInfo(descriptor).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && long.TryParse(target.AsSpan(8, target.Length - 9), CultureInfo.InvariantCulture, out var inode))
                    inodes.Add(inode);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The process ended, or belongs to another user.
        }

        return inodes;
    }
}

"""Reading what a process costs from /proc: CPU ticks, RSS, peak RSS, and the machine's busy time."""

import os

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        raw = f.read().decode("ascii", "replace")
    # comm may contain spaces and parentheses: split after the last ')'
    rest = raw[raw.rindex(")") + 2:].split()
    return rest  # rest[0] is field 3 (state)


def cpu_seconds(pids):
    """utime + stime of the given processes (all their threads), in seconds."""
    total = 0
    for pid in pids:
        try:
            f = _stat_fields(pid)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        total += int(f[11]) + int(f[12])  # fields 14 and 15
    return total / CLK_TCK


def ppid(pid):
    return int(_stat_fields(pid)[1])


def children(parent):
    """Direct children of a process (e.g. nginx workers of a master)."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            if ppid(int(name)) == parent:
                out.append(int(name))
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
    return sorted(out)


def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def rss_kb(pids):
    return sum(status_kb(p, "VmRSS") for p in pids)


def hwm_kb(pids):
    """Peak RSS (VmHWM) summed over processes."""
    return sum(status_kb(p, "VmHWM") for p in pids)


def reset_hwm(pids):
    """Resets VmHWM to the current RSS (Linux >= 4.0, needs permission); False when not possible."""
    ok = True
    for p in pids:
        try:
            with open(f"/proc/{p}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            ok = False
    return ok


def machine_busy_seconds():
    """CPU seconds the whole machine spent not idle (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    vals = [int(x) for x in parts[:8]]
    user, nice, system, idle, iowait, irq, softirq, steal = vals
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def thread_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except FileNotFoundError:
        return 0


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, PermissionError):
        return 0


def thread_group(comm):
    if comm.startswith("vert.x-eventloo"):
        return "event_loops"
    if comm.startswith(("C2 Compiler", "C1 Compiler")):
        return "jit"
    if comm.startswith(("GC Thread", "G1 ", "VM Thread", "VM Periodic")) or "GC" in comm:
        return "gc_vm"
    return "other"


def thread_cpu_groups(pid):
    """CPU seconds of a JVM's live threads, grouped: event_loops, jit, gc_vm (GC and VM thread), other."""
    out = {"event_loops": 0.0, "jit": 0.0, "gc_vm": 0.0, "other": 0.0}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat", "rb") as f:
                raw = f.read().decode("ascii", "replace")
            comm = raw[raw.index("(") + 1:raw.rindex(")")]
            rest = raw[raw.rindex(")") + 2:].split()
            out[thread_group(comm)] += (int(rest[11]) + int(rest[12])) / CLK_TCK
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return out


def syscalls(pids):
    """(read-like, write-like) system calls made so far by the processes, from /proc/<pid>/io."""
    r = w = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/io") as f:
                for line in f:
                    if line.startswith("syscr:"):
                        r += int(line.split()[1])
                    elif line.startswith("syscw:"):
                        w += int(line.split()[1])
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            continue
    return r, w

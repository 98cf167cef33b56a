"""The load matrix: wrk against each target, alternating targets within every round."""

import json
import os
import resource
import statistics
import subprocess
import time

from . import procstat
from .services import BENCH_DIR, LOOPBACK

MODES = {
    # mode: (request body file, Accept header)
    "plain": ("request.json", "application/json"),
    "stream": ("stream_request.json", "text/event-stream"),
}


def children_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_wrk(port, mode, conns, seconds, timeout_s=10, body=None):
    """Runs wrk once; returns its BENCH_JSON summary plus wrk's own CPU seconds. `body` names a file in
    fixtures/ instead of the mode's request (a target that needs another model name)."""
    default_body, accept = MODES[mode]
    body = body or default_body
    threads = max(1, min(2, conns))
    env = dict(os.environ)
    env["BENCH_BODY"] = os.path.join(BENCH_DIR, "fixtures", body)
    env["BENCH_ACCEPT"] = accept
    cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s", "--timeout", f"{timeout_s}s",
           "-s", os.path.join(BENCH_DIR, "wrk", "post.lua"), f"http://{LOOPBACK}:{port}/v1/chat/completions"]
    before = children_cpu_seconds()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60)
    wrk_cpu = children_cpu_seconds() - before
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            res = json.loads(line[len("BENCH_JSON "):])
            res["wrk_cpu_s"] = wrk_cpu
            return res
    raise RuntimeError(f"wrk printed no result (exit {out.returncode}): {out.stdout[-500:]} {out.stderr[-500:]}")


def body_of(target, mode):
    """The target's own request body for a mode, or None for the mode's usual one."""
    return getattr(target, "bodies", {}).get(mode)


def measure(target, mode, conns, seconds, known_pids):
    """One measured wrk run against one target, with the target's CPU and peak RSS over the run."""
    pids = target.pids()
    procstat.reset_hwm(pids)
    busy0 = procstat.machine_busy_seconds()
    ours0 = procstat.cpu_seconds(known_pids())
    cpu0 = procstat.cpu_seconds(pids)
    sys0 = procstat.syscalls(pids)
    jvm = target.name.startswith(("gateway", "jvm-"))
    groups0 = procstat.thread_cpu_groups(pids[0]) if jvm else None
    t0 = time.monotonic()
    res = run_wrk(target.port, mode, conns, seconds, body=body_of(target, mode))
    elapsed = time.monotonic() - t0
    cpu = procstat.cpu_seconds(pids) - cpu0
    sys1 = procstat.syscalls(pids)
    ours = procstat.cpu_seconds(known_pids()) - ours0
    busy = procstat.machine_busy_seconds() - busy0
    reqs = res["requests"]
    errs = res["errors"]
    split = None
    if jvm and reqs:
        g1 = procstat.thread_cpu_groups(pids[0])
        split = {k: (g1[k] - groups0[k]) / reqs * 1e6 for k in g1}
    ncpu = os.cpu_count() or 1
    return {
        "target": target.name, "mode": mode, "conns": conns,
        "requests": reqs,
        "rps": reqs / (res["duration_us"] / 1e6) if res["duration_us"] else 0.0,
        "p50_ms": res["latency_us"]["p50"] / 1000, "p90_ms": res["latency_us"]["p90"] / 1000,
        "p99_ms": res["latency_us"]["p99"] / 1000, "max_ms": res["latency_us"]["max"] / 1000,
        "errors": sum(errs.values()), "error_detail": errs,
        "cpu_s": cpu, "cpu_us_per_req": (cpu / reqs * 1e6) if reqs else None,
        "cpu_us_per_req_by_thread": split,
        "syscr": sys1[0] - sys0[0], "syscw": sys1[1] - sys0[1],
        "hwm_kb": procstat.hwm_kb(pids), "rss_kb": procstat.rss_kb(pids),
        "wrk_cpu_s": res["wrk_cpu_s"],
        # CPU the machine spent on anything that is not this benchmark (other engineers' builds...)
        "foreign_cpu_pct": max(0.0, (busy - ours - res["wrk_cpu_s"]) / (elapsed * ncpu) * 100),
        "elapsed_s": elapsed,
    }


def warm_up(targets, modes, seconds, log):
    for t in targets:
        for mode in modes:
            s = seconds if t.name.startswith(("gateway", "jvm-")) else max(1, seconds // 4)
            log(f"  warm-up {t.name} {mode} 16 conns {s}s")
            run_wrk(t.port, mode, 16, s, body=body_of(t, mode))


def run_matrix(targets, modes, conns_list, rounds, seconds, known_pids, log):
    """Every round runs every (mode, conns) on every target back to back, the target order rotating
    per round, so background noise falls on all targets alike."""
    rows = []
    n = len(targets)
    total = rounds * len(modes) * len(conns_list) * n
    done = 0
    for r in range(rounds):
        for mode in modes:
            for conns in conns_list:
                order = [targets[(i + r) % n] for i in range(n)]
                for t in order:
                    row = measure(t, mode, conns, seconds, known_pids)
                    row["round"] = r + 1
                    rows.append(row)
                    done += 1
                    log(f"  [{done}/{total}] round {r + 1} {mode:6s} c={conns:<3d} {t.name:16s} "
                        f"{row['rps']:9.0f} req/s  p50 {row['p50_ms']:7.3f} ms  p99 {row['p99_ms']:7.3f} ms  "
                        f"cpu {row['cpu_us_per_req'] or 0:7.1f} us/req  err {row['errors']}  "
                        f"other load {row['foreign_cpu_pct']:.0f}%")
    return rows


def aggregate(rows):
    """Per (target, mode, conns): medians over rounds; CPU per request over all rounds' requests."""
    groups = {}
    for row in rows:
        groups.setdefault((row["target"], row["mode"], row["conns"]), []).append(row)
    out = {}
    for key, rs in groups.items():
        reqs = sum(r["requests"] for r in rs)
        cpu = sum(r["cpu_s"] for r in rs)
        out[key] = {
            "target": key[0], "mode": key[1], "conns": key[2], "rounds": len(rs),
            "rps": statistics.median(r["rps"] for r in rs),
            "rps_min": min(r["rps"] for r in rs), "rps_max": max(r["rps"] for r in rs),
            "p50_ms": statistics.median(r["p50_ms"] for r in rs),
            "p90_ms": statistics.median(r["p90_ms"] for r in rs),
            "p99_ms": statistics.median(r["p99_ms"] for r in rs),
            "errors": sum(r["errors"] for r in rs),
            "requests": reqs,
            "read_syscalls_per_req": sum(r.get("syscr", 0) for r in rs) / reqs if reqs else None,
            "write_syscalls_per_req": sum(r.get("syscw", 0) for r in rs) / reqs if reqs else None,
            "cpu_us_per_req": cpu / reqs * 1e6 if reqs else None,
            "event_loop_us_per_req": (sum(r["cpu_us_per_req_by_thread"]["event_loops"] * r["requests"] for r in rs) / reqs
                                      if reqs and all(r.get("cpu_us_per_req_by_thread") for r in rs) else None),
            "jit_us_per_req": (sum(r["cpu_us_per_req_by_thread"]["jit"] * r["requests"] for r in rs) / reqs
                               if reqs and all(r.get("cpu_us_per_req_by_thread") for r in rs) else None),
            "gc_us_per_req": (sum(r["cpu_us_per_req_by_thread"]["gc_vm"] * r["requests"] for r in rs) / reqs
                              if reqs and all(r.get("cpu_us_per_req_by_thread") for r in rs) else None),
            "peak_rss_mb": max(r["hwm_kb"] for r in rs) / 1024,
            "foreign_cpu_pct": statistics.mean(r["foreign_cpu_pct"] for r in rs),
        }
    for (target, mode, conns), a in out.items():
        d = out.get(("direct", mode, conns))
        a["added_p50_ms"] = a["p50_ms"] - d["p50_ms"] if d else None
    return out

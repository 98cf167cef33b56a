"""Streaming capacity: N concurrent slow streams through the gateway at -Xmx512m (loopback only).

Processes: SlowSseUpstream (Vert.x, one event every interval), the gateway, SlowStreamClient
(Vert.x, holds N connections). Reports held streams, errors, heap and RSS of the gateway.

File descriptors: with HTTP/1.1 to the upstream the gateway holds two sockets per stream (client and
upstream), so N streams need 2N descriptors in the gateway. When the hard `ulimit -n` is below that
(20000 here, and not raisable inside this sandbox) the run uses TLS + HTTP/2 to the upstream
(providers.openai.http2: true), which multiplexes the upstream side over a few connections: N client
sockets remain, which is the part a gateway cannot share."""

import json
import os
import re
import resource
import subprocess
import threading
import time

from . import procstat
from .services import BENCH_DIR, LOOPBACK, Gateway, free_port, wait_port


def _raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def nofile_hard():
    return resource.getrlimit(resource.RLIMIT_NOFILE)[1]


def make_cert(work):
    cert, key = os.path.join(work, "upstream-cert.pem"), os.path.join(work, "upstream-key.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


class JsonLines:
    """Reads a child's JSON stdout lines on a thread; keeps the latest and all of them."""

    def __init__(self, proc):
        self.proc = proc
        self.lines = []
        self.latest = {}
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        for line in self.proc.stdout:
            line = line.strip()
            if line.startswith("{"):
                try:
                    doc = json.loads(line)
                except ValueError:
                    continue
                self.lines.append(doc)
                self.latest = doc


def heap_used_mb(pid):
    """Used heap from jstat -gc (KB columns), or None."""
    try:
        out = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=20).stdout.split("\n")
        names, vals = out[0].split(), out[1].split()
        d = dict(zip(names, vals))
        used = sum(float(d[k]) for k in ("S0U", "S1U", "EU", "OU") if k in d)
        return used / 1024
    except (OSError, IndexError, ValueError, subprocess.TimeoutExpired):
        return None


def live_heap_mb(pid):
    """Heap in use right after a full GC (jcmd GC.run, then GC.heap_info), or None."""
    try:
        subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60)
        out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=30).stdout
        m = re.search(r"total (\d+)K, used (\d+)K", out)
        return int(m.group(2)) / 1024 if m else None
    except (OSError, subprocess.TimeoutExpired):
        return None


def class_histogram(pid, top=15):
    """The biggest classes on the heap (jcmd GC.class_histogram, which runs a full GC first)."""
    try:
        out = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            rows.append({"instances": int(m.group(1)), "bytes": int(m.group(2)), "class": m.group(3)})
        if len(rows) >= top:
            break
    return rows


def run(jar, work, streams, seconds, interval_ms, open_per_s, upstream_mode, jvm_opts, log, max_connections=None):
    _raise_nofile()
    hard = nofile_hard()
    requested = streams
    if upstream_mode == "auto":
        # HTTP/1.1 to the upstream, as deployed by default; the gateway needs 2 sockets per stream
        upstream_mode = "h1"
        if hard < 2 * streams + 200:
            streams = (hard - 200) // 2
            log(f"  capacity: hard ulimit -n {hard} allows {streams} streams with HTTP/1.1 upstream "
                f"(2 sockets each), not {requested}; run with --capacity-upstream h2 for {requested} over HTTP/2")
    log(f"  capacity: {streams} streams, {interval_ms} ms between events for {seconds} s, upstream {upstream_mode}, "
        f"ulimit -n {hard}")
    cp = jar
    events = max(1, int(seconds * 1000 / interval_ms))
    up_port = free_port()
    up_cmd = ["java", "-Xmx1g", "-cp", cp, os.path.join(BENCH_DIR, "java", "SlowSseUpstream.java"), str(up_port),
              str(interval_ms), str(events)]
    scheme = "http"
    # the provider's upstream pool (default 256 connections) must allow one HTTP/1.1 connection per stream;
    # max_connections=0 keeps the gateway's default to show what an unchanged config does
    if max_connections is None:
        max_connections = streams + 100
    provider_extra = f", max_connections: {max_connections}" if max_connections else ""
    if upstream_mode == "h2":
        cert, key = make_cert(work)
        up_cmd += [cert, key]
        scheme = "https"
        provider_extra = f", http2: true, tls: {{ trust_store: \"{cert}\" }}"
    procs = []
    result = {"streams": streams, "requested_streams": requested, "max_connections": max_connections or "default (256)", "seconds": seconds, "interval_ms": interval_ms, "upstream": upstream_mode,
              "nofile_hard": hard, "gateway_jvm_opts": jvm_opts}
    try:
        up = subprocess.Popen(up_cmd, stdout=subprocess.PIPE, stderr=open(os.path.join(work, "slow-upstream.log"), "w"),
                              text=True)
        procs.append(up)
        up_lines = JsonLines(up)
        if not wait_port(up_port, 60):
            raise RuntimeError("slow upstream did not start; see slow-upstream.log")
        gw = Gateway("gateway-capacity", jar, work, f"{scheme}://{LOOPBACK}:{up_port}/v1", store="memory",
                     jvm_opts=jvm_opts, provider_extra=provider_extra,
                     extra_yaml="timeouts: { connect_ms: 30000, first_byte_ms: 120000, idle_ms: 120000, total_ms: 900000 }\n")
        gw.start()
        # streams last `seconds` when the machine keeps up; allow three times that when it does not
        bound = streams / open_per_s + 3 * seconds + 60
        result["gateway_rss_idle_mb"] = procstat.rss_kb([gw.pid]) / 1024
        client_cmd = ["java", "-Xmx1g", "-cp", cp, os.path.join(BENCH_DIR, "java", "SlowStreamClient.java"),
                      str(gw.port), str(streams), str(open_per_s), str(int(bound)),
                      os.path.join(BENCH_DIR, "fixtures", "stream_request.json")]
        cl = subprocess.Popen(client_cmd, stdout=subprocess.PIPE,
                              stderr=open(os.path.join(work, "slow-client.log"), "w"), text=True)
        procs.append(cl)
        cl_lines = JsonLines(cl)
        samples = []
        peak_rss = peak_heap = 0.0
        live = None
        t0 = time.monotonic()
        cpu0 = procstat.cpu_seconds([gw.pid])
        plateau_checked = False
        all_held_at = None
        while cl.poll() is None and time.monotonic() - t0 < bound + 30:
            time.sleep(2)
            rss = procstat.rss_kb([gw.pid]) / 1024
            heap = heap_used_mb(gw.pid)
            c = cl_lines.latest
            u = up_lines.latest
            samples.append({"t": round(time.monotonic() - t0, 1), "held": c.get("held"), "completed": c.get("completed"),
                            "upstream_active": u.get("active"), "upstream_accepted": u.get("accepted"),
                            "errors": c.get("errors"), "events": c.get("events"), "gateway_rss_mb": round(rss, 1),
                            "gateway_heap_used_mb": round(heap, 1) if heap else None,
                            "gateway_fds": procstat.fd_count(gw.pid), "gateway_threads": procstat.thread_count(gw.pid)})
            peak_rss = max(peak_rss, rss)
            peak_heap = max(peak_heap, heap or 0)
            log(f"    t={samples[-1]['t']:5.0f}s held {c.get('held')} completed {c.get('completed')} "
                f"upstream active {u.get('active')} "
                f"errors {c.get('errors')} events {c.get('events')} gateway RSS {rss:.0f} MB heap {heap or 0:.0f} MB "
                f"fds {samples[-1]['gateway_fds']}")
            if not plateau_checked and c.get("held", 0) >= streams:
                plateau_checked = True
                all_held_at = (time.monotonic(), c.get("events", 0))
                time.sleep(3)
                live = live_heap_mb(gw.pid)
                log(f"    all {streams} held: live heap after full GC {live} MB")
                result["class_histogram_all_held"] = class_histogram(gw.pid)
        cpu = procstat.cpu_seconds([gw.pid]) - cpu0
        final = cl_lines.latest
        if all_held_at:
            # event rate between all streams being held and the first ones finishing
            pts = [x for x in samples if x["t"] >= all_held_at[0] - t0 and (x["completed"] or 0) == 0 and x["events"]]
            if len(pts) >= 2:
                result["event_rate_per_s"] = (pts[-1]["events"] - pts[0]["events"]) / (pts[-1]["t"] - pts[0]["t"])
        result["events_expected"] = streams * (events + 3)
        result["open_at_end"] = final.get("held")
        result.update({
            "max_held": final.get("max_held"), "completed": final.get("completed"), "errors": final.get("errors"),
            "error_detail": {k: final.get(k) for k in ("connect_errors", "status_errors", "sse_errors", "truncated")},
            "error_samples": final.get("error_samples"), "events_received": final.get("events"),
            "gateway_peak_rss_mb": max(peak_rss, procstat.hwm_kb([gw.pid]) / 1024),
            "gateway_peak_heap_used_mb": peak_heap, "gateway_live_heap_all_held_mb": live,
            "gateway_cpu_s": cpu, "upstream_final": up_lines.latest, "samples": samples,
            "gateway_alive": gw.proc.poll() is None,
        })
        gw.stop()
        return result
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()

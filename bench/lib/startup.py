"""Start-up: from `java -jar` to the first answered request. Polls /health every 5 ms, then makes one
call to the built-in mock provider and one through the openai provider to the fake upstream."""

import json
import statistics
import time

from .services import Gateway, request

MOCK_BODY = json.dumps({"model": "mock:echo", "messages": [{"role": "user", "content": "hi"}]}).encode()


def once(jar, work, upstream_url, store, jvm_opts, name, body_plain):
    gw = Gateway(name, jar, work, upstream_url, store=store, jvm_opts=jvm_opts)
    t0 = gw.launch()
    try:
        health = None
        deadline = t0 + 60
        while time.monotonic() < deadline:
            if gw.proc.poll() is not None:
                raise RuntimeError(f"gateway exited with {gw.proc.returncode}; see {gw.log}")
            try:
                status, _, _ = request(gw.port, "GET", "/health", timeout=1.0)
                if status == 200:
                    health = time.monotonic()
                    break
            except OSError:
                time.sleep(0.005)
        if health is None:
            raise RuntimeError("no /health within 60 s")
        status, _, data = request(gw.port, "POST", "/v1/chat/completions", MOCK_BODY,
                                  {"Content-Type": "application/json"})
        mock = time.monotonic()
        if status != 200:
            raise RuntimeError(f"mock call answered {status}: {data[:200]!r}")
        status, _, data = request(gw.port, "POST", "/v1/chat/completions", body_plain,
                                  {"Content-Type": "application/json"})
        upstream = time.monotonic()
        if status != 200:
            raise RuntimeError(f"upstream call answered {status}: {data[:200]!r}")
        return {"health_ms": (health - t0) * 1000, "first_mock_ms": (mock - t0) * 1000,
                "first_upstream_ms": (upstream - t0) * 1000}
    finally:
        gw.stop()


def measure(jar, work, upstream_url, store, jvm_opts, runs, body_plain, log, label="startup"):
    results = []
    for i in range(runs):
        r = once(jar, work, upstream_url, store, jvm_opts, f"{label}-{i}", body_plain)
        log(f"  start-up run {i + 1}/{runs}: /health {r['health_ms']:.0f} ms, first mock answer "
            f"{r['first_mock_ms']:.0f} ms, first upstream answer {r['first_upstream_ms']:.0f} ms")
        results.append(r)
    return {
        "runs": results,
        "health_ms_median": statistics.median(r["health_ms"] for r in results),
        "first_mock_ms_median": statistics.median(r["first_mock_ms"] for r in results),
        "first_upstream_ms_median": statistics.median(r["first_upstream_ms"] for r in results),
        "first_mock_ms_max": max(r["first_mock_ms"] for r in results),
    }


def make_cds_archive(jar, work, upstream_url, body_plain, log):
    """One training run with -XX:ArchiveClassesAtExit; returns the archive path, or None."""
    import os
    jsa = os.path.join(work, "gateway-appcds.jsa")
    try:
        once(jar, work, upstream_url, "memory", [f"-XX:ArchiveClassesAtExit={jsa}"], "cds-training", body_plain)
    except RuntimeError as e:
        log(f"  AppCDS training run failed: {e}")
        return None
    deadline = time.monotonic() + 10
    while not os.path.exists(jsa) and time.monotonic() < deadline:
        time.sleep(0.1)
    if not os.path.exists(jsa):
        log("  AppCDS archive was not written")
        return None
    log(f"  AppCDS archive: {os.path.getsize(jsa) // 1024} KiB")
    return jsa

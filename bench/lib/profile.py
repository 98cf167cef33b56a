"""JFR under load: where the gateway spends its CPU. Summarises jdk.ExecutionSample events by top frame
(self time) and by any frame of the gateway's own code (inclusive)."""

import collections
import json
import re
import subprocess


LAMBDA = re.compile(r"\$\$Lambda\$\d+(\+0x[0-9a-f]+)?(/(0x[0-9a-f]+|\d+))*")


def frame_name(f):
    m = f.get("method", {})
    t = LAMBDA.sub("$$Lambda", m.get("type", {}).get("name", "?")).replace("/", ".")
    return f"{t}.{m.get('name', '?')}"


def component(name):
    for prefix, label in (("io.recllm.", "gateway"), ("com.fasterxml.jackson.", "jackson"), ("io.netty.", "netty"),
                          ("io.vertx.ext.web.", "vertx-web"), ("io.vertx.", "vertx-core"), ("java.", "jdk"),
                          ("jdk.", "jdk"), ("sun.", "jdk"), ("ch.qos.logback.", "logback"), ("org.slf4j.", "logback"),
                          ("com.knuddels.", "jtokkit")):
        if name.startswith(prefix):
            return label
    return "other"


def summarize(jfr_file, top=25):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", jfr_file],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-500:])
    doc = json.loads(out.stdout)
    events = doc.get("recording", {}).get("events", [])
    self_counts = collections.Counter()
    incl_gateway = collections.Counter()
    incl_all = collections.Counter()
    incl_component = collections.Counter()
    by_package = collections.Counter()
    by_thread = collections.Counter()
    for e in events:
        v = e.get("values", {})
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        self_counts[frame_name(frames[0])] += 1
        by_package[component(frame_name(frames[0]))] += 1
        thread = (v.get("sampledThread") or {}).get("javaName") or "?"
        by_thread[thread.rstrip("0123456789-")] += 1
        names = {frame_name(f) for f in frames}
        for n in names:
            incl_all[n] += 1
            if n.startswith("io.recllm."):
                incl_gateway[n] += 1
        for c in {component(n) for n in names}:
            incl_component[c] += 1
    total = sum(self_counts.values()) or 1
    def pct(c, n_top=top):
        return [{"frame": k, "samples": n, "pct": round(100 * n / total, 1)} for k, n in c.most_common(n_top)]
    # inclusive, minus the event-loop plumbing that is on (nearly) every stack
    incl_work = collections.Counter({k: v for k, v in incl_all.items()
                                     if v < 0.6 * total and component(k) not in ("netty", "vertx-core")})
    return {"samples": total, "top_self": pct(self_counts), "top_gateway_inclusive": pct(incl_gateway),
            "top_inclusive": pct(incl_work, 40), "self_by_component": pct(by_package),
            "inclusive_by_component": pct(incl_component), "by_thread": pct(by_thread)}

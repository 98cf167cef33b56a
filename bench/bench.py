#!/usr/bin/env python3
"""RecLLM Gateway load benchmark. Start it with bench/run.sh (which installs wrk and nginx and builds
the jar when missing); see bench/README.md. Everything runs on 127.0.0.1 and stops by itself."""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lib import capacity, compare, load, procstat, profile, report, services, startup, ttfb  # noqa: E402
from lib.services import BENCH_DIR, LOOPBACK, REPO_DIR, Direct, FloorProxy, Gateway, Nginx  # noqa: E402

DEFAULT_JAR = os.path.join(REPO_DIR, "server", "target", "rec-llm-gateway-0.1.0-SNAPSHOT-all.jar")

# Launcher flag candidates compared by --jvm-variants (name=flags; separated by ';').
DEFAULT_VARIANTS = ("default=;"
                    "g1-512m=-XX:+UseG1GC -Xms128m -Xmx512m;"
                    "parallel-512m=-XX:+UseParallelGC -Xms128m -Xmx512m;"
                    "serial-512m=-XX:+UseSerialGC -Xms128m -Xmx512m")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", default=DEFAULT_JAR, help="gateway fat jar (default: server/target/...-all.jar)")
    p.add_argument("--duration", type=int, default=5, help="seconds per measured wrk run (default 5)")
    p.add_argument("--rounds", type=int, default=2, help="rounds over all targets (default 2)")
    p.add_argument("--warmup", type=int, default=15, help="warm-up seconds per gateway and mode (default 15)")
    p.add_argument("--conns", default="1,16,64", help="connection counts (default 1,16,64)")
    p.add_argument("--modes", default="plain,stream", help="plain (non-streaming) and/or stream")
    p.add_argument("--stores", default="memory,default",
                   help="usage stores, one gateway each: memory, default (the gateway's own default), "
                        "sqlite:<path>, postgresql://127.0.0.1:5432/test (default memory,default)")
    p.add_argument("--compare", default="", metavar="NAME=JAR[,NAME=JAR...]",
                   help="other builds measured side by side: one more gateway per fat jar, named gateway-NAME, "
                        "with the first of --stores and the same --jvm-opts")
    p.add_argument("--baseline-ref", default=None, metavar="GITREF",
                   help="build the fat jar of this commit (temporary git worktree; cached by commit under "
                        "bench/.work/jars/) and compare it as gateway-baseline")
    p.add_argument("--jvm-opts", default="", help="JVM flags for the measured gateways (default: none, plain java -jar)")
    p.add_argument("--upstream-workers", type=int, default=2, help="nginx workers of the fake upstream")
    p.add_argument("--proxy-workers", type=int, default=2, help="nginx workers of the baseline proxy")
    p.add_argument("--ttfb-requests", type=int, default=400, help="TTFB samples per target (default 400)")
    p.add_argument("--startup-runs", type=int, default=5, help="start-up measurements (default 5)")
    p.add_argument("--route", action="store_true",
                   help="also measure gateway-route: the client's model is a fallback route whose first target answers")
    p.add_argument("--chaos", action="store_true",
                   help="also run the chaos test: one of two upstreams fails --chaos-fail-percent of calls; "
                        "client success rate and p99 through a fallback route and straight to the failing upstream")
    p.add_argument("--chaos-fail-percent", type=int, default=30)
    p.add_argument("--chaos-conns", type=int, default=16)
    p.add_argument("--keyed", action="store_true",
                   help="also a keyed target: a gateway whose calls carry a virtual key with rpm, tpm and a budget, "
                        "its limits on Redis (side by side with the same gateway without keys)")
    p.add_argument("--keyed-redis", default="redis://127.0.0.1:6379", help="Redis of the keyed target")
    p.add_argument("--providers", action="store_true",
                   help="also gateway-gemini and gateway-bedrock: the same gateway calling a Gemini-shaped "
                        "(SSE) and a Bedrock-shaped (binary event stream, SigV4-signed with fake credentials) "
                        "fake upstream, side by side with the OpenAI-shaped one; CPU per request and per event")
    p.add_argument("--pii", action="store_true",
                   help="also gateway-pii: redaction on (the issue's detectors: email and phone restore, card and iban "
                        "mask, ssn and secret block) for a 2 KB prompt without personal data; implies --prompt-2kb")
    p.add_argument("--cache", action="store_true",
                   help="also gateway-cache: the response cache in memory, so every call after the first is a hit "
                        "(plain and streamed replays); implies --prompt-2kb")
    p.add_argument("--prompt-2kb", action="store_true",
                   help="every target is sent a 2 KB prompt (fixtures/request_2kb.json, stream_request_2kb.json) "
                        "instead of the short one")
    p.add_argument("--skip-load", action="store_true")
    p.add_argument("--floor", action="store_true",
                   help="also measure vertx-floor and netty-floor: bare Vert.x and Netty proxies (bench/java/)")
    p.add_argument("--skip-ttfb", action="store_true")
    p.add_argument("--skip-startup", action="store_true")
    p.add_argument("--capacity", action="store_true", help="also run the slow-stream capacity test")
    p.add_argument("--capacity-streams", type=int, default=10000)
    p.add_argument("--capacity-seconds", type=int, default=60, help="length of each slow stream")
    p.add_argument("--capacity-interval-ms", type=int, default=100, help="time between events of a slow stream")
    p.add_argument("--capacity-open-rate", type=int, default=1000, help="streams opened per second")
    p.add_argument("--capacity-upstream", default="auto", choices=["auto", "h1", "h2"],
                   help="HTTP/1.1 or TLS+HTTP/2 from the gateway to the slow upstream (auto: h1 if ulimit -n allows)")
    p.add_argument("--capacity-jvm-opts", default="-Xmx512m")
    p.add_argument("--capacity-max-connections", type=int, default=None,
                   help="providers.openai.max_connections for the capacity gateway (default: streams + 100; "
                        "0: the gateway's own default)")
    p.add_argument("--soak", action="store_true", help="also run the RSS flatness soak")
    p.add_argument("--soak-minutes", type=int, default=10)
    p.add_argument("--soak-conns", type=int, default=64)
    p.add_argument("--jvm-variants", nargs="?", const=DEFAULT_VARIANTS, default=None,
                   help="also compare launcher JVM flags: 'name=flags;name=flags' (no value: built-in list)")
    p.add_argument("--variant-conns", default="16,64")
    p.add_argument("--profile", action="store_true", help="also record JFR under load and list hot spots")
    p.add_argument("--profile-seconds", type=int, default=20)
    p.add_argument("--all", action="store_true", help="everything: load, TTFB, start-up, capacity, soak, variants, profile")
    p.add_argument("--out", default=os.path.join(BENCH_DIR, "results"))
    a = p.parse_args(argv)
    if a.all:
        a.capacity = a.soak = a.profile = True
        if a.jvm_variants is None:
            a.jvm_variants = DEFAULT_VARIANTS
    if a.pii or a.cache:
        a.prompt_2kb = True
    a.conns = [int(x) for x in a.conns.split(",") if x]
    a.modes = [x for x in a.modes.split(",") if x]
    a.stores = [x for x in a.stores.split(",") if x]
    a.variant_conns = [int(x) for x in a.variant_conns.split(",") if x]
    try:
        a.compare = compare.parse_compare(a.compare)
    except ValueError as e:
        p.error(str(e))
    names = [n for n, _ in a.compare] + (["baseline"] if a.baseline_ref else [])
    taken = {services.store_label(s) for s in a.stores}
    for n in names:
        if names.count(n) > 1 or n in taken:
            p.error(f"compare target name {n!r} is used twice (or by a store's gateway-{n})")
    return a


def log(msg):
    print(f"[{datetime.datetime.now().strftime('%H:%M:%S')}] {msg}", flush=True)


def cmd_out(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout + r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return "not available"


def machine_info():
    with open("/proc/meminfo") as f:
        total_kb = int(f.readline().split()[1])
    cpu_model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(), "cpu": cpu_model, "memory_gib": round(total_kb / 1024 / 1024, 1),
        "kernel": platform.release(), "java": cmd_out(["java", "-version"]).splitlines()[0:2],
        "nginx": cmd_out(["nginx", "-v"]), "wrk": cmd_out(["wrk", "-v"]).splitlines()[0] if shutil.which("wrk") else None,
        "python": platform.python_version(), "loadavg_start": open("/proc/loadavg").read().split()[:3],
    }


def prepare_html(work):
    html = os.path.join(work, "html")
    os.makedirs(html, exist_ok=True)
    for name in ("chat_completion.json", "chat_completion.sse", *PROVIDER_ANSWERS):
        shutil.copyfile(os.path.join(BENCH_DIR, "fixtures", name), os.path.join(html, name))
        os.chmod(os.path.join(html, name), 0o644)
    for d in (work, html):
        os.chmod(d, 0o755)
    return html


# --providers: what the fake upstream answers for each provider shape, and the request bodies naming
# a model of that provider (the OpenAI-shaped target keeps fixtures/request.json and stream_request.json)
PROVIDER_ANSWERS = ("gemini_generate.json", "gemini_stream.sse", "bedrock_converse.json", "bedrock_converse_stream.bin")
PROVIDER_BODIES = {
    "gemini": {"plain": "gemini_request.json", "stream": "gemini_stream_request.json"},
    "bedrock": {"plain": "bedrock_request.json", "stream": "bedrock_stream_request.json"},
}
# fake credentials: the gateway signs every Bedrock call (SigV4) as it would for AWS; nginx ignores it
BENCH_AWS_ENV = {"AWS_ACCESS_KEY_ID": "AKIAFAKEBENCHONLY000", "AWS_SECRET_ACCESS_KEY": "FAKEbenchOnlySecretKeyNotARealOne000000",
                 "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


def provider_gateways(a, work, upstream_port, jvm_opts):
    """gateway-gemini and gateway-bedrock: the same jar and store, default provider of type gemini or
    bedrock with base_url at the fake upstream (which answers by path)."""
    base = f"http://{LOOPBACK}:{upstream_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(BENCH_AWS_ENV)
    return [
        Gateway("gateway-gemini", a.jar, work, base + "/v1", store=a.stores[0], jvm_opts=jvm_opts,
                default_provider="gemini", bodies=PROVIDER_BODIES["gemini"],
                extra_providers=f"  gemini: {{ type: gemini, base_url: \"{base}\", api_key: \"FAKE-bench-gemini-key\" }}\n"),
        Gateway("gateway-bedrock", a.jar, work, base + "/v1", store=a.stores[0], jvm_opts=jvm_opts,
                default_provider="bedrock", bodies=PROVIDER_BODIES["bedrock"], env=env,
                extra_providers=f"  bedrock: {{ type: bedrock, region: us-east-1, base_url: \"{base}\" }}\n"),
    ]


def upstream_events(name):
    """Events in a fake upstream stream: SSE events (data: [DONE] included) or event-stream messages."""
    data = read_fixture(name)
    if name.endswith(".bin"):
        n = i = 0
        while i < len(data):
            i += int.from_bytes(data[i:i + 4], "big")  # total_length of each message
            n += 1
        return n
    return data.count(b"data:")


def read_fixture(name):
    with open(os.path.join(BENCH_DIR, "fixtures", name), "rb") as f:
        return f.read()


def soak(gw, minutes, conns, log_fn):
    """wrk at `conns` for `minutes`; RSS of the gateway sampled at every minute mark."""
    body, accept = load.MODES["plain"]
    env = dict(os.environ, BENCH_BODY=os.path.join(BENCH_DIR, "fixtures", body), BENCH_ACCEPT=accept)
    seconds = minutes * 60 + 3
    cmd = ["wrk", "-t", "2", "-c", str(conns), "-d", f"{seconds}s", "--timeout", "10s",
           "-s", os.path.join(BENCH_DIR, "wrk", "post.lua"), f"http://{LOOPBACK}:{gw.port}/v1/chat/completions"]
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    samples = [{"minute": 0, "rss_mb": procstat.rss_kb([gw.pid]) / 1024}]
    for m in range(1, minutes + 1):
        while time.monotonic() - t0 < m * 60:
            time.sleep(0.5)
        rss = procstat.rss_kb([gw.pid]) / 1024
        heap = capacity.heap_used_mb(gw.pid)
        samples.append({"minute": m, "rss_mb": round(rss, 1), "heap_used_mb": round(heap, 1) if heap else None})
        log_fn(f"  soak minute {m}: gateway RSS {rss:.1f} MB, heap used {heap or 0:.0f} MB")
    out, _ = p.communicate(timeout=120)
    res = {}
    for line in out.splitlines():
        if line.startswith("BENCH_JSON "):
            res = json.loads(line[len("BENCH_JSON "):])
    first = next((s for s in samples if s["minute"] == min(2, minutes)), samples[0])
    last = samples[-1]
    return {"minutes": minutes, "conns": conns, "samples": samples,
            "requests": res.get("requests"), "errors": sum(res.get("errors", {}).values()) if res else None,
            "rps": res.get("requests", 0) / (res.get("duration_us", 1) / 1e6) if res else None,
            "from_minute": first["minute"], "to_minute": last["minute"],
            "growth_pct": (last["rss_mb"] - first["rss_mb"]) / first["rss_mb"] * 100 if first["rss_mb"] else None}


def run_profile(jar, work, upstream_url, jvm_opts, seconds, log_fn, extra_yaml=""):
    gw = Gateway("gateway-jfr", jar, work, upstream_url, store="memory", jvm_opts=jvm_opts, extra_yaml=extra_yaml).start()
    out = {}
    try:
        load.run_wrk(gw.port, "plain", 16, 15)
        load.run_wrk(gw.port, "stream", 16, 15)
        for mode in ("plain", "stream"):
            f = os.path.join(gw.work, f"{mode}.jfr")
            subprocess.run(["jcmd", str(gw.pid), "JFR.start", f"name={mode}", "settings=profile",
                            "jdk.ExecutionSample#period=1ms", f"filename={f}"], check=True, capture_output=True)
            res = load.run_wrk(gw.port, mode, 64, seconds)
            subprocess.run(["jcmd", str(gw.pid), "JFR.stop", f"name={mode}"], check=True, capture_output=True)
            log_fn(f"  JFR {mode}: {res['requests']} requests in {seconds}s; summarising {f}")
            out[mode] = profile.summarize(f)
            out[mode]["file"] = os.path.relpath(f, REPO_DIR)
    finally:
        gw.stop()
    return out


ROUTE_YAML = """routes:
  gpt-4o: { strategy: fallback, targets: [ "openai:gpt-4o", "backup:gpt-4o" ] }
"""


# The issue's pii section: every detector that can see an ordinary prompt is on
PII_YAML = """pii:
  detectors: { email: restore, phone: restore, card: mask, iban: mask, ssn: block, ip: off, secret: block }
"""

# Every identical call after the first is answered from memory: the load sends one body over and over
CACHE_YAML = """cache: { enabled: true, ttl_s: 3600, nondeterministic: true }
"""


def feature_costs(rows, main, names):
    """CPU per request of each feature target beside the plain gateway, per mode and connection count."""
    by = {(r["target"], r["mode"], r["conns"]): r for r in rows}
    out = []
    for (target, mode, conns), r in sorted(by.items()):
        if target not in names:
            continue
        base = by.get((main, mode, conns))
        if not base or not base.get("cpu_us_per_req") or not r.get("cpu_us_per_req"):
            continue
        out.append({"target": target, "mode": mode, "conns": conns, "cpu_us_per_req": r["cpu_us_per_req"],
                    "plain_cpu_us_per_req": base["cpu_us_per_req"],
                    "added_cpu_us_per_req": r["cpu_us_per_req"] - base["cpu_us_per_req"],
                    "cheaper_x": base["cpu_us_per_req"] / r["cpu_us_per_req"]})
    return out


def route_providers(url):
    return f"  backup: {{ type: openai, base_url: \"{url}\", api_key: \"sk-bench\" }}\n"


def run_chaos(a, work, upstream, jvm_opts):
    """One of two upstreams fails a share of calls: what clients see through a fallback route (goal: 100%
    success with a healthy second target) and when calling the failing upstream alone, with p99."""
    chaos = Nginx("chaos", "chaos.conf", work, services.free_port(), a.upstream_workers,
                  {"UPSTREAM_PORT": str(upstream.port), "FAIL_PERCENT": str(a.chaos_fail_percent)}).start()
    chaos_url = f"http://{LOOPBACK}:{chaos.port}/v1"
    healthy_url = f"http://{LOOPBACK}:{upstream.port}/v1"
    out = {"fail_percent": a.chaos_fail_percent, "conns": a.chaos_conns, "seconds": a.duration}
    for name, extra in (("gateway-chaos-route", ROUTE_YAML), ("gateway-chaos-direct", "")):
        gw = Gateway(name, a.jar, work, chaos_url, store=a.stores[0], jvm_opts=jvm_opts,
                     extra_providers=route_providers(healthy_url), extra_yaml=extra).start()
        try:
            load.run_wrk(gw.port, "plain", a.chaos_conns, min(a.duration, 5))  # warm-up
            res = load.run_wrk(gw.port, "plain", a.chaos_conns, a.duration)
        finally:
            gw.stop()
        errors = sum(res["errors"].values())
        total = res["requests"]
        out[name] = {"requests": total, "success_rate": (total - errors) / total if total else 0.0,
                     "p99_ms": res["latency_us"]["p99"] / 1000.0, "p50_ms": res["latency_us"]["p50"] / 1000.0}
        log(f"  chaos {name:22s} success {out[name]['success_rate'] * 100:.2f}% of {total}, "
            f"p50 {out[name]['p50_ms']:.2f} ms, p99 {out[name]['p99_ms']:.2f} ms")
    chaos.stop()
    return out


def main(argv):
    a = parse_args(argv)
    if not os.path.exists(a.jar):
        sys.exit(f"no gateway jar at {a.jar}: run bench/run.sh (it builds one) or mvn -o clean package -DskipTests")
    for tool in ("wrk", "nginx", "java"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run bench/run.sh, which installs it")
    # SIGTERM unwinds like an exception, so the finally blocks remove a baseline worktree and stop every process
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for _, jar in a.compare:
        if not os.path.exists(jar):
            sys.exit(f"--compare: no jar at {jar}")
    compare_jars = list(a.compare)
    compare_info = {}
    if a.baseline_ref:
        try:
            commit, subject = compare.resolve_commit(a.baseline_ref)
            compare_jars.append(("baseline", compare.jar_for_commit(commit, log)))
        except RuntimeError as e:
            sys.exit(f"--baseline-ref: {e}")
        compare_info["gateway-baseline"] = {"ref": a.baseline_ref, "commit": commit, "subject": subject}
    for name, jar in compare_jars:
        inside = os.path.commonpath([jar, REPO_DIR]) == REPO_DIR
        compare_info.setdefault("gateway-" + name, {})["jar"] = (os.path.relpath(jar, REPO_DIR) if inside
                                                                 else os.path.basename(jar))
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    work = os.path.join(BENCH_DIR, ".work", stamp)
    os.makedirs(work, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)
    results = {"started": stamp, "args": {k: v for k, v in vars(a).items() if k not in ("jar", "compare")},
               "machine": machine_info(), "targets_goals": {}}
    main_gateway = "gateway-" + services.store_label(a.stores[0])
    if compare_jars:
        results["compare"] = {"main": main_gateway, "store": a.stores[0], "this_build": compare.this_build(),
                              "targets": compare_info}
    jvm_opts = a.jvm_opts.split()
    if a.prompt_2kb:
        load.MODES["plain"] = ("request_2kb.json", load.MODES["plain"][1])
        load.MODES["stream"] = ("stream_request_2kb.json", load.MODES["stream"][1])
    body_plain = read_fixture(load.MODES["plain"][0])
    body_stream = read_fixture(load.MODES["stream"][0])
    log(f"machine: {results['machine']['nproc']} cores, {results['machine']['memory_gib']} GiB, "
        f"{results['machine']['java'][0] if results['machine']['java'] else ''}")
    try:
        html = prepare_html(work)
        upstream = Nginx("upstream", "upstream.conf", work, services.free_port(), a.upstream_workers,
                         {"HTML": html}).start()
        proxy = Nginx("proxy", "proxy.conf", work, services.free_port(), a.proxy_workers,
                      {"UPSTREAM_PORT": str(upstream.port)}).start()
        upstream_url = f"http://{LOOPBACK}:{upstream.port}/v1"
        gateways = []
        for store in a.stores:
            name = "gateway-" + services.store_label(store)
            log(f"starting {name} (usage.store {store}) {a.jvm_opts}")
            gateways.append(Gateway(name, a.jar, work, upstream_url, store=store, jvm_opts=jvm_opts).start())
        compared = []
        for cname, cjar in compare_jars:
            name = "gateway-" + cname
            log(f"starting {name} from {compare_info[name]['jar']} (usage.store {a.stores[0]}) {a.jvm_opts}")
            compared.append(Gateway(name, cjar, work, upstream_url, store=a.stores[0], jvm_opts=jvm_opts).start())
        gateways += compared
        if a.route:
            # same request body (model gpt-4o): a route named after the model shadows it
            log("starting gateway-route (model gpt-4o is a fallback route: openai:gpt-4o, then backup:gpt-4o)")
            gateways.append(Gateway("gateway-route", a.jar, work, upstream_url, store=a.stores[0], jvm_opts=jvm_opts,
                                    extra_providers=route_providers(upstream_url), extra_yaml=ROUTE_YAML).start())
        if a.keyed:
            log(f"starting gateway-keyed (usage.store {a.stores[0]}, limits on {a.keyed_redis}) {a.jvm_opts}")
            gateways.append(Gateway("gateway-keyed", a.jar, work, upstream_url, store=a.stores[0], jvm_opts=jvm_opts,
                                    extra_yaml=services.keyed_yaml(a.keyed_redis)).start())
            # each compared build keyed too, so that what keys cost can be compared between builds in one run
            for cname, cjar in compare_jars:
                log(f"starting gateway-keyed-{cname} from {compare_info['gateway-' + cname]['jar']}")
                gateways.append(Gateway(f"gateway-keyed-{cname}", cjar, work, upstream_url, store=a.stores[0],
                                        jvm_opts=jvm_opts, extra_yaml=services.keyed_yaml(a.keyed_redis, cname)).start())
        if a.providers:
            log("starting gateway-gemini and gateway-bedrock (Gemini- and Bedrock-shaped answers from the same fake upstream)")
            gateways += [g.start() for g in provider_gateways(a, work, upstream.port, jvm_opts)]
        features = []
        if a.pii:
            log(f"starting gateway-pii (usage.store {a.stores[0]}, redaction on) {a.jvm_opts}")
            features.append(Gateway("gateway-pii", a.jar, work, upstream_url, store=a.stores[0], jvm_opts=jvm_opts,
                                    extra_yaml=PII_YAML).start())
        if a.cache:
            log(f"starting gateway-cache (usage.store {a.stores[0]}, response cache in memory) {a.jvm_opts}")
            features.append(Gateway("gateway-cache", a.jar, work, upstream_url, store=a.stores[0], jvm_opts=jvm_opts,
                                    extra_yaml=CACHE_YAML).start())
        gateways += features
        direct = Direct(upstream)
        targets = [direct, proxy, *gateways]
        if a.floor:
            for name in FloorProxy.SOURCES:
                log(f"starting {name} (bench/java/{FloorProxy.SOURCES[name]})")
                targets.append(FloorProxy(name, a.jar, work, upstream.port, jvm_opts).start())
        client_events = {}
        for t in targets:
            bodies = getattr(t, "bodies", {})
            client_events[t.name] = services.check_target(
                t.port, read_fixture(bodies["plain"]) if "plain" in bodies else body_plain,
                read_fixture(bodies["stream"]) if "stream" in bodies else body_stream, gateway=t in gateways)
        log("all targets answer correctly (JSON completion; SSE stream with [DONE])")
        if a.providers:
            results["provider_streams"] = {
                "openai_target": main_gateway,
                "upstream_events": {main_gateway: upstream_events("chat_completion.sse"),
                                    "gateway-gemini": upstream_events("gemini_stream.sse"),
                                    "gateway-bedrock": upstream_events("bedrock_converse_stream.bin")},
                "client_events": {n: client_events[n] for n in (main_gateway, "gateway-gemini", "gateway-bedrock")},
            }

        def known_pids():
            return [p for t in (upstream, *targets[1:]) for p in t.all_pids()]

        if not a.skip_load:
            log(f"warm-up ({a.warmup}s per gateway and mode)")
            load.warm_up(targets, a.modes, a.warmup, log)
            log(f"load: {a.rounds} rounds x {len(a.modes)} modes x {len(a.conns)} conn counts x {len(targets)} targets "
                f"x {a.duration}s")
            rows = load.run_matrix(targets, a.modes, a.conns, a.rounds, a.duration, known_pids, log)
            results["load_runs"] = rows
            results["load"] = list(load.aggregate(rows).values())
            results["gateway_rss_after_load_mb"] = {g.name: procstat.rss_kb([g.pid]) / 1024 for g in gateways}
            if features:
                results["feature_costs"] = {"main": main_gateway, "prompt_2kb": a.prompt_2kb,
                                            "rows": feature_costs(results["load"], main_gateway,
                                                                  [g.name for g in features])}
                for r in results["feature_costs"]["rows"]:
                    log(f"  {r['mode']:6s} c={r['conns']:<3d} {r['target']}: {r['cpu_us_per_req']:.1f} CPU us/req, "
                        f"{main_gateway} {r['plain_cpu_us_per_req']:.1f}: {r['added_cpu_us_per_req']:+.1f} us, "
                        f"{r['cheaper_x']:.2f}x cheaper")
            results["gateway_hwm_lifetime_mb"] = {}
            if compared:
                results["compare"]["ratios"] = compare.ratios(results["load"], rows, main_gateway,
                                                              [g.name for g in compared])
                for r in results["compare"]["ratios"]:
                    log(f"  {r['mode']:6s} c={r['conns']:<3d} {main_gateway} vs {r['target']}: "
                        f"{r['rps_pct'] or 0:+.1f}% req/s, {r['cpu_pct'] or 0:+.1f}% CPU us/req")
        if a.chaos:
            results["chaos"] = run_chaos(a, work, upstream, jvm_opts)
        if not a.skip_ttfb:
            log(f"TTFB: {a.ttfb_requests} streaming requests per target, interleaved")
            names = [("direct", upstream.port), ("proxy", proxy.port)] + [
                (g.name, g.port, read_fixture(g.bodies["stream"]) if "stream" in g.bodies else None) for g in gateways]
            results["ttfb"] = ttfb.measure(names, body_stream, "text/event-stream", a.ttfb_requests, 100, log)
            for n, r in results["ttfb"].items():
                log(f"  {n:16s} TTFB p50 {r['ttfb_p50_ms']:.3f} ms p99 {r['ttfb_p99_ms']:.3f} ms, "
                    f"first event p50 {r['first_event_p50_ms']:.3f} ms, overhead p50 "
                    f"{r.get('ttfb_overhead_p50_ms', 0):+.3f} ms, errors {r['errors']}")
        for g in gateways:
            results["gateway_hwm_lifetime_mb"] = results.get("gateway_hwm_lifetime_mb", {})
            results["gateway_hwm_lifetime_mb"][g.name] = procstat.status_kb(g.pid, "VmHWM") / 1024
            results.setdefault("gateway_threads", {})[g.name] = procstat.thread_count(g.pid)
        if not a.skip_startup:
            log(f"start-up: {a.startup_runs} runs, java -jar to first answer")
            results["startup"] = startup.measure(a.jar, work, upstream_url, a.stores[0], jvm_opts, a.startup_runs,
                                                 body_plain, log)
            results["startup"]["store"] = a.stores[0]
            for store in a.stores[1:]:
                log(f"start-up with usage.store {store}")
                results.setdefault("startup_other_stores", {})[store] = startup.measure(
                    a.jar, work, upstream_url, store, jvm_opts, a.startup_runs, body_plain, log,
                    label=f"startup-{services.store_label(store)}")
            for g in compared:
                log(f"start-up of {g.name} (usage.store {a.stores[0]})")
                results.setdefault("startup_compare", {})[g.name] = startup.measure(
                    g.jar, work, upstream_url, a.stores[0], jvm_opts, a.startup_runs, body_plain, log,
                    label=f"startup-{g.name}")
        if a.profile:
            # with --cache the profile is of cache hits: what a hit still spends is the question there
            log(f"profile: JFR ({a.profile_seconds}s per mode at 64 connections){' of cache hits' if a.cache else ''}")
            results["profile"] = run_profile(a.jar, work, upstream_url, jvm_opts, a.profile_seconds, log,
                                             extra_yaml=CACHE_YAML if a.cache else "")
        if a.soak:
            gw = gateways[0]
            log(f"soak: {a.soak_minutes} min at {a.soak_conns} connections against {gw.name}, RSS every minute")
            results["soak"] = soak(gw, a.soak_minutes, a.soak_conns, log)
            results["soak"]["gateway"] = gw.name
        if a.jvm_variants:
            results["jvm_variants"] = run_variants(a, work, upstream, proxy, direct, upstream_url, body_plain, body_stream)
        # the measured gateways are no longer needed; free their cores for the capacity run
        for g in gateways:
            g.stop()
        proxy.stop()
        if a.capacity:
            log("capacity: slow streams")
            results["capacity"] = capacity.run(a.jar, work, a.capacity_streams, a.capacity_seconds,
                                               a.capacity_interval_ms, a.capacity_open_rate, a.capacity_upstream,
                                               a.capacity_jvm_opts.split(), log, a.capacity_max_connections)
    finally:
        services.stop_all()
    results["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    results["finished"] = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    md = report.markdown(results)
    base = os.path.join(a.out, f"bench-{stamp}")
    with open(base + ".json", "w") as f:
        json.dump(results, f, indent=2)
    with open(base + ".md", "w") as f:
        f.write(md)
    for ext in ("json", "md"):
        shutil.copyfile(f"{base}.{ext}", os.path.join(a.out, f"latest.{ext}"))
    print()
    print(md)
    log(f"results: {os.path.relpath(base, REPO_DIR)}.json / .md (also latest.json / latest.md)")


def epoll_classpath(jar):
    """JVM options adding Netty's native epoll transport (which the fat jar lacks) at the jar's Netty
    version, fetched into the local Maven repository with `mvn dependency:get` when missing; [] if that fails."""
    import zipfile
    try:
        with zipfile.ZipFile(jar) as z:
            props = z.read("META-INF/maven/io.netty/netty-transport/pom.properties").decode()
        version = next(l.split("=", 1)[1].strip() for l in props.splitlines() if l.startswith("version="))
    except (KeyError, StopIteration, OSError, zipfile.BadZipFile):
        return []
    repo = os.path.join(os.path.expanduser("~"), ".m2", "repository", "io", "netty")
    jars = [os.path.join(repo, "netty-transport-classes-epoll", version, f"netty-transport-classes-epoll-{version}.jar"),
            os.path.join(repo, "netty-transport-native-epoll", version,
                         f"netty-transport-native-epoll-{version}-linux-{platform.machine().replace('aarch64', 'aarch_64')}.jar")]
    coords = [f"io.netty:netty-transport-classes-epoll:{version}",
              f"io.netty:netty-transport-native-epoll:{version}:jar:linux-{platform.machine().replace('aarch64', 'aarch_64')}"]
    for path, coord in zip(jars, coords):
        if not os.path.exists(path) and shutil.which("mvn"):
            subprocess.run(["mvn", "-q", "dependency:get", f"-Dartifact={coord}", "-Dtransitive=false"],
                           capture_output=True, timeout=300)
    if not all(os.path.exists(j) for j in jars):
        return []
    return [f"--extra-cp={j}" for j in jars]


def run_variants(a, work, upstream, proxy, direct, upstream_url, body_plain, body_stream):
    variants = []
    for item in a.jvm_variants.split(";"):
        if not item.strip():
            continue
        name, _, flags = item.partition("=")
        variants.append((name.strip(), flags.split()))
    if a.jvm_variants == DEFAULT_VARIANTS:
        epoll = epoll_classpath(a.jar)
        if epoll:
            variants.append(("g1-512m-epoll", ["-XX:+UseG1GC", "-Xms128m", "-Xmx512m", *epoll]))
    log(f"JVM variants: {', '.join(n for n, _ in variants)}")
    gws = []
    out = {"variants": {n: " ".join(f) for n, f in variants}}
    try:
        for name, flags in variants:
            gws.append(Gateway(f"jvm-{name}", a.jar, work, upstream_url, store="memory", jvm_opts=flags).start())
        for g in gws:
            services.check_target(g.port, body_plain, body_stream, gateway=True)
        targets = [direct, proxy, *gws]

        def known_pids():
            return [p for t in (upstream, proxy, *gws) for p in t.all_pids()]

        load.warm_up(gws, a.modes, a.warmup, log)
        rows = load.run_matrix(targets, a.modes, a.variant_conns, a.rounds, a.duration, known_pids, log)
        out["load_runs"] = rows
        out["load"] = list(load.aggregate(rows).values())
        out["rss_after_mb"] = {g.name: procstat.rss_kb([g.pid]) / 1024 for g in gws}
        out["hwm_lifetime_mb"] = {g.name: procstat.status_kb(g.pid, "VmHWM") / 1024 for g in gws}
        out["threads"] = {g.name: procstat.thread_count(g.pid) for g in gws}
    finally:
        for g in gws:
            g.stop()
    out["startup"] = {}
    startup_variants = list(variants)
    # start-up only: C1 only (fast start, slow steady state: shown for comparison, not recommended) and
    # an application class-data-sharing archive made by one training run (JDK 13+ dynamic archive)
    startup_variants.append(("c1-only", ["-XX:TieredStopAtLevel=1"]))
    jsa = startup.make_cds_archive(a.jar, work, upstream_url, body_plain, log)
    if jsa:
        startup_variants.append(("appcds", [f"-XX:SharedArchiveFile={jsa}"]))
    for name, flags in startup_variants:
        log(f"  start-up with {name}: {' '.join(flags)}")
        out["startup"][name] = startup.measure(a.jar, work, upstream_url, "memory", flags, max(3, a.startup_runs),
                                               body_plain, log, label=f"startup-{name}")
        out["startup"][name]["flags"] = " ".join(flags)
    return out


if __name__ == "__main__":
    main(sys.argv[1:])

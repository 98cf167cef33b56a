"""Markdown report and the check against issue 8's targets."""

import os


def _f(v, fmt="{:.2f}", none="–"):
    return none if v is None else fmt.format(v)


def load_table(rows, direct_name="direct"):
    order = {"direct": 0, "proxy": 1}
    rows = sorted(rows, key=lambda r: (r["mode"] != "plain", r["conns"], order.get(r["target"], 2), r["target"]))
    out = ["| mode | conns | target | req/s | p50 ms | p90 ms | p99 ms | +p50 vs direct ms | CPU µs/req | of which event loops / JIT / GC | syscalls/req read / write | peak RSS MB | errors |",
           "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |"]
    for r in rows:
        added = "" if r["target"] == direct_name else _f(r.get("added_p50_ms"), "{:+.3f}")
        sysc = "" if r.get("read_syscalls_per_req") is None else (
            f"{r['read_syscalls_per_req']:.1f} / {r['write_syscalls_per_req']:.1f}")
        split = "" if r.get("event_loop_us_per_req") is None else (
            f"{r['event_loop_us_per_req']:.0f} / {r['jit_us_per_req']:.0f} / {r['gc_us_per_req']:.0f}")
        out.append(f"| {'non-stream' if r['mode'] == 'plain' else 'stream'} | {r['conns']} | {r['target']} | "
                   f"{r['rps']:,.0f} | {r['p50_ms']:.3f} | {r['p90_ms']:.3f} | {r['p99_ms']:.3f} | {added} | "
                   f"{_f(r['cpu_us_per_req'], '{:.1f}')} | {split} | {sysc} | {r['peak_rss_mb']:.0f} | {r['errors']} |")
    return "\n".join(out)


def _get(rows, target, mode, conns):
    for r in rows:
        if r["target"] == target and r["mode"] == mode and r["conns"] == conns:
            return r
    return None


def goals(results):
    """[(goal, measured, met?)] for every target of issue 8 that this run measured."""
    out = []
    rows = results.get("load") or []
    # the targets judge this build; the builds it is compared with, and the Gemini- and Bedrock-shaped
    # targets of --providers (a different upstream), have their own sections
    other_builds = set((results.get("compare") or {}).get("targets", {})) | {"gateway-gemini", "gateway-bedrock"}
    gws = sorted({r["target"] for r in rows if r["target"].startswith("gateway") and r["target"] not in other_builds})
    for gw in gws:
        px, g = _get(rows, "proxy", "plain", 64), _get(rows, gw, "plain", 64)
        if px and g:
            ratio = g["rps"] / px["rps"] * 100
            out.append((f"{gw}: non-streaming 64 conns throughput ≥ 50% of nginx proxy",
                        f"{ratio:.0f}% ({g['rps']:,.0f} vs {px['rps']:,.0f} req/s)", ratio >= 50))
            if g["cpu_us_per_req"] and px["cpu_us_per_req"]:
                x = g["cpu_us_per_req"] / px["cpu_us_per_req"]
                out.append((f"{gw}: CPU/request ≤ 2× nginx proxy (non-streaming, 64 conns)",
                            f"{x:.1f}× ({g['cpu_us_per_req']:.0f} vs {px['cpu_us_per_req']:.0f} µs)", x <= 2))
        for mode in ("plain", "stream"):
            g16 = _get(rows, gw, mode, 16)
            if g16 and g16.get("added_p50_ms") is not None:
                out.append((f"{gw}: added p50 vs direct ≤ 0.3 ms at 16 conns ({'non-streaming' if mode == 'plain' else 'streaming'})",
                            f"{g16['added_p50_ms']:+.3f} ms", g16["added_p50_ms"] <= 0.3))
        errs = sum(r["errors"] for r in (results.get("load_runs") or []) if r["target"] == gw)
        out.append((f"{gw}: zero errors under load", f"{errs} errors", errs == 0))
    tt = results.get("ttfb") or {}
    for name, r in tt.items():
        if name.startswith("gateway") and name not in other_builds and r.get("ttfb_overhead_p50_ms") is not None:
            out.append((f"{name}: streaming TTFB overhead ≤ 1 ms p50", f"{r['ttfb_overhead_p50_ms']:+.3f} ms "
                        f"(first event {r['first_event_overhead_p50_ms']:+.3f} ms)", r["ttfb_overhead_p50_ms"] <= 1.0))
    cap = results.get("capacity")
    if cap:
        ok = (cap.get("max_held") or 0) >= cap["streams"] and cap.get("errors") == 0 and not cap.get("open_at_end")
        out.append((f"{cap['streams']} concurrent slow streams at {' '.join(cap['gateway_jvm_opts'])}, zero errors",
                    f"max held {cap.get('max_held')}, completed {cap.get('completed')}, errors {cap.get('errors')}, "
                    f"upstream {cap['upstream']}", ok and cap["streams"] >= 10000))
    soak = results.get("soak")
    if soak and soak.get("growth_pct") is not None:
        out.append((f"RSS flat between minute {soak['from_minute']} and {soak['to_minute']} (≤ 5%)",
                    f"{soak['growth_pct']:+.1f}%", soak["growth_pct"] <= 5 and soak["to_minute"] >= 10))
    st = results.get("startup")
    if st:
        # every store measured, each judged on its own: the default store is what a newcomer starts with
        runs = [(st.get("store", "memory"), st), *(results.get("startup_other_stores") or {}).items()]
        for store, s in runs:
            out.append((f"usage.store {store}: start-up to first answered request ≤ 1.5 s",
                        f"{s['first_mock_ms_median']:.0f} ms median (max {s['first_mock_ms_max']:.0f} ms)",
                        s["first_mock_ms_median"] <= 1500))
    return out


def _pct(v):
    # a real minus sign: "−1.2%" reads as a change, "-1.2%" as a hyphen
    return "–" if v is None else f"{v:+.1f}%".replace("-", "−")


def _build_label(name, info):
    short = name[len("gateway-"):] if name.startswith("gateway-") else name
    if info.get("commit"):
        return f"{short} (`{info['commit'][:10]}`, {info.get('ref')})"
    return f"{short} (`{info.get('jar')}`)"


def compare_section(results):
    """This build (the main gateway) against each compared build, cell by cell: the numbers of both and
    this build's difference in req/s and CPU µs/request."""
    from .compare import TOLERANCE_PCT
    c = results["compare"]
    main = c["main"]
    tb = c.get("this_build") or {}
    this = (f"`{tb['commit'][:10]}`" + (" + uncommitted changes" if tb.get("uncommitted_changes") else "")
            if tb.get("commit") else "the working tree")
    lines = ["## This build against other builds", "",
             f"This build is {main} (`--jar`, {this}); each other build runs from its own jar with usage.store "
             f"{c['store']} and the same JVM flags, in the same alternating rounds. Differences are this build's: "
             f"−req/s or +µs means this build is worse. \"within {TOLERANCE_PCT:.0f}%\": req/s at most "
             f"{TOLERANCE_PCT:.0f}% lower and CPU µs/request at most {TOLERANCE_PCT:.0f}% higher. Per round: "
             f"the req/s difference in each round alone, which shows how much of it is noise.", ""]
    ratios = c.get("ratios") or []
    if not ratios:
        return lines + ["(no load measured: `--skip-load`)", ""]
    # one line per compared build for its heaviest non-streaming cell (or whatever was measured)
    for target, info in c["targets"].items():
        rs = [r for r in ratios if r["target"] == target]
        if not rs:
            continue
        head = max(rs, key=lambda r: (r["mode"] == "plain", r["conns"]))
        lines.append(f"- {_build_label(target, info)}, {'non-streaming' if head['mode'] == 'plain' else 'streaming'} at "
                     f"{head['conns']} conns: {head['other_rps']:,.0f} req/s, {_f(head['other_cpu_us_per_req'], '{:.1f}')} µs "
                     f"→ this build {_pct(head['rps_pct'])} req/s, {_pct(head['cpu_pct'])} µs "
                     f"({head['rps']:,.0f} req/s, {_f(head['cpu_us_per_req'], '{:.1f}')} µs)")
    lines += ["", f"| mode | conns | build | its req/s, CPU µs/req | this build ({main}) | this build vs it | per round req/s | within {TOLERANCE_PCT:.0f}% |",
              "| --- | ---: | --- | --- | --- | --- | --- | --- |"]
    for r in ratios:
        per = ", ".join(_pct(p["rps_pct"]) for p in r["per_round"])
        lines.append(f"| {'non-stream' if r['mode'] == 'plain' else 'stream'} | {r['conns']} | "
                     f"{r['target'][len('gateway-'):]} | {r['other_rps']:,.0f} req/s, {_f(r['other_cpu_us_per_req'], '{:.1f}')} µs | "
                     f"{r['rps']:,.0f} req/s, {_f(r['cpu_us_per_req'], '{:.1f}')} µs | "
                     f"{_pct(r['rps_pct'])} req/s, {_pct(r['cpu_pct'])} µs | {per} | "
                     f"{'yes' if r['within_tolerance'] else '**no**'} |")
    lines.append("")
    return lines


def provider_section(results):
    """--providers: the OpenAI-, Gemini- and Bedrock-shaped targets of the same rounds, CPU per request
    and per event (upstream events: SSE events or event-stream messages; client events: the chunks the
    gateway writes, [DONE] included)."""
    ps = results["provider_streams"]
    names = [ps["openai_target"], "gateway-gemini", "gateway-bedrock"]
    shape = {ps["openai_target"]: "OpenAI SSE", "gateway-gemini": "Gemini SSE", "gateway-bedrock": "Bedrock event stream"}
    lines = ["## Provider streams (same rounds)", "",
             "| mode | conns | target | upstream shape | events per stream upstream / to client | req/s | CPU µs/req "
             "| CPU µs per upstream event | CPU µs per client event | errors |",
             "| --- | ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    rows = sorted((r for r in results["load"] if r["target"] in names),
                  key=lambda r: (r["mode"] != "plain", r["conns"], names.index(r["target"])))
    for r in rows:
        up, cl = ps["upstream_events"][r["target"]], ps["client_events"][r["target"]]
        cpu = r["cpu_us_per_req"]
        stream = r["mode"] == "stream"
        lines.append(f"| {'stream' if stream else 'non-stream'} | {r['conns']} | {r['target']} | {shape[r['target']]} | "
                     f"{f'{up} / {cl}' if stream else '–'} | {r['rps']:,.0f} | {_f(cpu, '{:.1f}')} | "
                     f"{_f(cpu / up if stream and cpu else None, '{:.1f}')} | "
                     f"{_f(cpu / cl if stream and cpu else None, '{:.1f}')} | {r['errors']} |")
    return lines + [""]


def markdown(results):
    m = results["machine"]
    lines = [f"# RecLLM Gateway benchmark {results['started']}", "",
             f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, kernel {m['kernel']}, "
             f"{' / '.join(m['java'])}; {m['nginx']}; {m['wrk']}. Load average at start {' '.join(m['loadavg_start'])}, "
             f"at end {' '.join(m.get('loadavg_end', []))}.", ""]
    a = results["args"]
    if results.get("load"):
        foreign = [r["foreign_cpu_pct"] for r in results["load"]]
        lines += ["## Load (wrk, closed loop)", "",
                  f"{a['rounds']} rounds × {a['duration']} s per cell, targets alternating within each round; "
                  f"medians over rounds; CPU µs/req = utime+stime of the process under test ÷ requests (nginx: its "
                  f"workers); peak RSS = VmHWM over the run; gateway JVM flags: `{a['jvm_opts'] or '(none)'}`. "
                  f"CPU used by other processes on the machine during the runs: mean "
                  f"{sum(foreign) / len(foreign):.0f}% of all cores (max {max(foreign):.0f}%).", "",
                  load_table(results["load"]), ""]
    if results.get("provider_streams") and results.get("load"):
        lines += provider_section(results)
    if results.get("compare"):
        lines += compare_section(results)
    fc = results.get("feature_costs")
    if fc and fc.get("rows"):
        lines += ["## Redaction and the response cache", "",
                  f"CPU µs per request of each feature's gateway beside {fc['main']} (same build, store and flags), "
                  f"{'2 KB prompt' if fc.get('prompt_2kb') else 'short prompt'} without personal data. gateway-pii "
                  "runs every detector the issue's example turns on; gateway-cache answers every call after the "
                  "first from memory. Goals: redaction adds at most 10 µs; a hit costs at most a third of a proxied "
                  "call.", "",
                  "| target | mode | conns | CPU µs/req | plain gateway CPU µs/req | added µs/req | plain ÷ target |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
        for r in fc["rows"]:
            lines.append(f"| {r['target']} | {r['mode']} | {r['conns']} | {r['cpu_us_per_req']:.1f} | "
                         f"{r['plain_cpu_us_per_req']:.1f} | {r['added_cpu_us_per_req']:+.1f} | {r['cheaper_x']:.2f}x |")
        lines.append("")
    tt = results.get("ttfb")
    if tt:
        lines += ["## Streaming time to first byte", "",
                  "Sequential keep-alive requests, interleaved across targets; time from sending the request to the "
                  "first response byte, and to the first `data:` event.", "",
                  "| target | requests | TTFB p50 ms | TTFB p90 ms | TTFB p99 ms | first event p50 ms | whole stream p50 ms | TTFB overhead p50 ms | errors |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for n, r in tt.items():
            lines.append(f"| {n} | {r['requests']} | {_f(r['ttfb_p50_ms'], '{:.3f}')} | {_f(r['ttfb_p90_ms'], '{:.3f}')} | "
                         f"{_f(r['ttfb_p99_ms'], '{:.3f}')} | {_f(r['first_event_p50_ms'], '{:.3f}')} | "
                         f"{_f(r['total_p50_ms'], '{:.3f}')} | {_f(r.get('ttfb_overhead_p50_ms'), '{:+.3f}')} | {r['errors']} |")
        lines.append("")
    st = results.get("startup")
    if st:
        runs = ", ".join(f"{r['first_mock_ms']:.0f}" for r in st["runs"])
        lines += ["## Start-up", "",
                  f"`java -jar` to: /health answering {st['health_ms_median']:.0f} ms, first mock answer "
                  f"{st['first_mock_ms_median']:.0f} ms, first answer through the upstream "
                  f"{st['first_upstream_ms_median']:.0f} ms (medians; usage.store {st.get('store')}; first mock answer "
                  f"per run: {runs} ms)."]
        for store, o in (results.get("startup_other_stores") or {}).items():
            lines.append(f"With usage.store {store}: /health {o['health_ms_median']:.0f} ms, first mock answer "
                         f"{o['first_mock_ms_median']:.0f} ms, first upstream answer {o['first_upstream_ms_median']:.0f} ms.")
        for name, o in (results.get("startup_compare") or {}).items():
            lines.append(f"{name} (usage.store {st.get('store')}): /health {o['health_ms_median']:.0f} ms, first mock "
                         f"answer {o['first_mock_ms_median']:.0f} ms, first upstream answer "
                         f"{o['first_upstream_ms_median']:.0f} ms.")
        lines.append("")
    cap = results.get("capacity")
    if cap:
        lines += ["## Streaming capacity", "",
                  f"{cap['streams']} streams opened at the configured rate, one event every {cap['interval_ms']} ms for "
                  f"{cap['seconds']} s, gateway `{' '.join(cap['gateway_jvm_opts'])}`, upstream over "
                  f"{'HTTP/1.1' if cap['upstream'] == 'h1' else 'TLS + HTTP/2'} (hard ulimit -n {cap['nofile_hard']}; "
                  f"providers.openai.max_connections {cap.get('max_connections')}).", "",
                  "| max held | completed | errors | events received | gateway peak RSS MB | peak heap used MB | live heap, all held MB | gateway CPU s |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                  f"| {cap.get('max_held')} | {cap.get('completed')} | {cap.get('errors')} | {cap.get('events_received')} | "
                  f"{_f(cap.get('gateway_peak_rss_mb'), '{:.0f}')} | {_f(cap.get('gateway_peak_heap_used_mb'), '{:.0f}')} | "
                  f"{_f(cap.get('gateway_live_heap_all_held_mb'), '{:.0f}')} | {_f(cap.get('gateway_cpu_s'), '{:.0f}')} |", ""]
        if cap.get("requested_streams", cap["streams"]) != cap["streams"]:
            lines += [f"{cap['requested_streams']} streams were asked for; {cap['streams']} fit the gateway's file "
                      f"descriptor limit with HTTP/1.1 to the upstream (two sockets per stream).", ""]
        if cap.get("open_at_end"):
            lines += [f"{cap['open_at_end']} streams were still open when the time bound ended the run "
                      f"(events arrive late when the machine is saturated).", ""]
        lines += [f"Events: {cap.get('events_received')} received of {cap.get('events_expected')} the upstream schedules "
                  f"({_f(cap.get('event_rate_per_s'), '{:,.0f}')} events/s through the gateway while all were held, nominal "
                  f"{cap['streams'] * 1000 // cap['interval_ms']:,}/s).", ""]
        if cap.get("errors"):
            lines += [f"Error breakdown: {cap.get('error_detail')}; samples: {cap.get('error_samples')}", ""]
        hist = cap.get("class_histogram_all_held") or []
        if hist:
            lines += ["Largest classes on the gateway heap with all streams held (after full GC): " + "; ".join(
                f"{h['class']} {h['bytes'] / 1048576:.1f} MB ({h['instances']:,})" for h in hist[:8]) + ".", ""]
    soak = results.get("soak")
    if soak:
        pts = ", ".join(f"{s['minute']}: {s['rss_mb']:.0f}" for s in soak["samples"])
        lines += ["## RSS over a long run", "",
                  f"{soak['minutes']} min non-streaming at {soak['conns']} connections against {soak.get('gateway')}: "
                  f"{_f(soak.get('rps'), '{:,.0f}')} req/s, {soak.get('errors')} errors. RSS MB by minute: {pts}. "
                  f"Growth minute {soak['from_minute']} → {soak['to_minute']}: {_f(soak.get('growth_pct'), '{:+.1f}')}%.", ""]
    jv = results.get("jvm_variants")
    if jv:
        def short(flags):
            def one(f):
                if f.startswith("--extra-cp="):
                    return "+ " + os.path.basename(f.split("=", 1)[1]) + " on the class path"
                if "=/" in f:
                    return f.split("=", 1)[0] + "=" + os.path.basename(f.split("=", 1)[1])
                return f
            return " ".join(one(f) for f in flags.split()) or "(none)"
        lines += ["## JVM flag variants", "", "Flags: " + "; ".join(f"`{n}` = `{short(f)}`" for n, f in jv["variants"].items()), ""]
        if jv.get("load"):
            lines += [load_table(jv["load"]), ""]
        lines += ["| variant | RSS after load MB | lifetime peak RSS MB | threads | start-up to first mock answer ms (median) |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        for n, s in jv.get("startup", {}).items():
            g = f"jvm-{n}"
            lines.append(f"| {n} {('`' + short(s.get('flags')) + '`') if s.get('flags') and n not in jv['variants'] else ''} | "
                         f"{_f(jv.get('rss_after_mb', {}).get(g), '{:.0f}')} | {_f(jv.get('hwm_lifetime_mb', {}).get(g), '{:.0f}')} | "
                         f"{jv.get('threads', {}).get(g, '–')} | {s['first_mock_ms_median']:.0f} |")
        lines.append("")
    prof = results.get("profile")
    if prof:
        lines += ["## JFR hot spots (64 connections)", "",
                  "jdk.ExecutionSample at 1 ms; self = top frame; inclusive = anywhere on the stack (event-loop "
                  "plumbing present on most stacks left out).", ""]
        for mode, p in prof.items():
            comp_self = {c["frame"]: c["pct"] for c in p.get("self_by_component", [])}
            comp_incl = ", ".join(f"{c['frame']} {c['pct']}%" for c in p.get("inclusive_by_component", []))
            lines += [f"**{'Non-streaming' if mode == 'plain' else 'Streaming'}** ({p['samples']} samples). "
                      f"Self time by component: " + ", ".join(f"{k} {v}%" for k, v in comp_self.items())
                      + f". On the stack: {comp_incl}.", "",
                      "| top frame (self) | % | inclusive | % |", "| --- | ---: | --- | ---: |"]
            incl = p.get("top_inclusive", [])
            for i in range(20):
                a_ = p["top_self"][i] if i < len(p["top_self"]) else None
                b_ = incl[i] if i < len(incl) else None
                lines.append(f"| {a_['frame'] if a_ else ''} | {a_['pct'] if a_ else ''} | {b_['frame'] if b_ else ''} | "
                             f"{b_['pct'] if b_ else ''} |")
            lines.append("")
    gl = goals(results)
    if gl:
        lines += ["## Targets", "", "| target | measured | met |", "| --- | --- | --- |"]
        for goal, measured, met in gl:
            lines.append(f"| {goal} | {measured} | {'yes' if met else '**no**'} |")
        lines.append("")
    return "\n".join(lines)

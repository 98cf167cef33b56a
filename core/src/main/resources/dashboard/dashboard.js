// Usage dashboard: reads /v1/usage and /v1/usage/requests every second and redraws in place.
// Paths are relative so the page also works when an application mounts the gateway under a prefix.
// Served from the gateway's own jar; no external resources, so it works offline and behind firewalls.
(function () {
  "use strict";

  const POLL_MS = 1000;
  const KEY_STORAGE = "recllm.gatewayKey";
  const $ = (id) => document.getElementById(id);

  const state = {
    key: sessionStorage.getItem(KEY_STORAGE) || "",
    sort: { key: "date", dir: -1 },
    rows: [],
    charts: {},
    timer: null,
    updates: 0,
    knownProviders: new Set(),
  };
  // Tests read this to see that the page refreshed itself without a reload.
  window.recllmDashboard = state;

  function utcToday() {
    return new Date().toISOString().slice(0, 10);
  }

  function daysBefore(isoDate, days) {
    const d = new Date(isoDate + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() - days);
    return d.toISOString().slice(0, 10);
  }

  async function api(path) {
    const headers = state.key ? { Authorization: "Bearer " + state.key } : {};
    const resp = await fetch(path, { headers: headers, cache: "no-store" });
    if (resp.status === 401) {
      const err = new Error("unauthorized");
      err.unauthorized = true;
      throw err;
    }
    if (!resp.ok) throw new Error("HTTP " + resp.status + " for " + path);
    return JSON.parse((await resp.text()).replace(MONEY, '$1"$2"'));
  }

  // Costs arrive as JSON numbers in plain decimal, exact to the nano-USD ("cost_usd":0.00000255).
  // JSON.parse would make doubles of them, which print as 2.55e-6 and need not print back as sent,
  // so they are kept as the text the gateway wrote. Only a key can be an unescaped "cost_usd" + colon
  // (or "saved_usd", what the response cache saved).
  const MONEY = /("(?:cost|saved)_usd"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

  function query(params) {
    const q = new URLSearchParams();
    Object.entries(params).forEach(([k, v]) => { if (v) q.set(k, v); });
    return q.toString();
  }

  // A number in plain decimal to `digits` significant digits, trailing zeros dropped: 7.5e-7 is
  // "0.00000075", where String() and Number.toPrecision() would give "7.5e-7".
  function plainNumber(v, digits) {
    if (v === 0 || !isFinite(v)) return String(v);
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(v))));
    const text = v.toFixed(Math.min(decimals, 100));
    return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
  }

  // An amount exactly as the gateway sent it, with at least cents and grouped thousands: "$0.00000255",
  // "$1,234.50", "$0.00".
  function usd(v) {
    if (v == null) return "–";
    const text = typeof v === "string" ? v : plainNumber(v, 15);
    const [whole, frac = ""] = text.split(".");
    return "$" + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + frac.padEnd(2, "0");
  }

  const num = new Intl.NumberFormat("en-US");
  const fmt = {
    int: (v) => (v == null ? "–" : num.format(v)),
    usd: usd,
    ms: (v) => (v == null ? "–" : num.format(Math.round(v))),
    pct: (v) => (v == null ? "–" : (v * 100).toFixed(1) + "%"),
  };

  function renderCards(el, total) {
    const calls = total ? total.calls : 0;
    const cards = [
      ["calls", "Calls", fmt.int(calls), calls],
      ["tokens", "Tokens", fmt.int(total ? total.total_tokens : 0), total ? total.total_tokens : 0],
      ["cost", "Cost", fmt.usd(total ? total.cost_usd : 0), total ? total.cost_usd : 0],
      ["error-rate", "Error rate", fmt.pct(calls ? total.errors / calls : null), calls ? total.errors / calls : ""],
      ["avg-latency", "Avg latency (ms)", fmt.ms(calls ? total.avg_latency_ms : null), calls ? total.avg_latency_ms : ""],
      ["p95-latency", "p95 latency (ms)", fmt.ms(total ? total.p95_latency_ms : null), total && total.p95_latency_ms != null ? total.p95_latency_ms : ""],
      // answers the response cache gave (they cost nothing) and what they had cost when paid for
      // (totals by key do not carry them: "–" rather than a made-up 0)
      ["cache-hit-rate", "Cache hit rate", fmt.pct(calls && total.cache_hits != null ? total.cache_hits / calls : null), calls && total.cache_hits != null ? total.cache_hits / calls : ""],
      ["saved", "Saved by cache", total ? fmt.usd(total.saved_usd) : fmt.usd(0), total && total.saved_usd != null ? total.saved_usd : ""],
    ];
    el.replaceChildren(...cards.map(([id, label, text, value]) => {
      const div = document.createElement("div");
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.id = el.id + "-" + id;
      dd.textContent = text;
      dd.dataset.value = value;
      div.append(dt, dd);
      return div;
    }));
  }

  function cell(tr, text, value) {
    const td = document.createElement("td");
    td.textContent = text;
    if (value !== undefined) td.dataset.value = value;
    tr.appendChild(td);
  }

  function renderUsageTable() {
    const { key, dir } = state.sort;
    const type = document.querySelector(`#usage-table th[data-key="${key}"]`).dataset.type;
    const rows = state.rows.slice().sort((a, b) => {
      const x = a[key], y = b[key];
      const c = type === "num" ? (x - y) : String(x).localeCompare(String(y));
      return c * dir;
    });
    const body = document.querySelector("#usage-table tbody");
    body.replaceChildren(...rows.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.key = [r.date, r.provider, r.model].join("|");
      cell(tr, r.date, r.date);
      cell(tr, r.provider, r.provider);
      cell(tr, r.model, r.model);
      cell(tr, fmt.int(r.calls), r.calls);
      cell(tr, fmt.int(r.prompt_tokens), r.prompt_tokens);
      cell(tr, fmt.int(r.completion_tokens), r.completion_tokens);
      cell(tr, fmt.int(r.total_tokens), r.total_tokens);
      cell(tr, fmt.usd(r.cost_usd), r.cost_usd);
      cell(tr, fmt.ms(r.avg_latency_ms), r.avg_latency_ms);
      return tr;
    }));
    document.querySelectorAll("#usage-table th").forEach((th) => {
      th.classList.toggle("sorted-asc", th.dataset.key === key && dir === 1);
      th.classList.toggle("sorted-desc", th.dataset.key === key && dir === -1);
    });
  }

  function renderRequests(entries) {
    const body = document.querySelector("#requests-table tbody");
    body.replaceChildren(...entries.map((e) => {
      const tr = document.createElement("tr");
      tr.dataset.requestId = e.request_id;
      if (e.status >= 400 || e.error_type) tr.classList.add("error");
      cell(tr, e.time.replace("T", " ").replace("Z", ""), e.timestamp_ms);
      cell(tr, e.provider);
      cell(tr, e.model);
      cell(tr, String(e.status), e.status);
      cell(tr, fmt.ms(e.latency_ms), e.latency_ms);
      cell(tr, fmt.int(e.total_tokens) + (e.estimated ? " ~" : ""), e.total_tokens);
      cell(tr, fmt.usd(e.cost_usd), e.cost_usd);
      cell(tr, e.error_type ? e.error_type + ": " + (e.error_message || "") : (e.finish_reason || ""));
      cell(tr, e.endpoint || "chat");
      cell(tr, e.attempt ? String(e.attempt) : "", e.attempt || 0);
      cell(tr, e.cache_hit ? "hit" : "", e.cache_hit ? e.saved_usd : "");
      cell(tr, e.pii_counts || "");
      return tr;
    }));
  }

  // Provider health: circuit state, error rate and latency EWMA of the upstream tries, retries and fallbacks.
  function renderHealth(health) {
    const body = document.querySelector("#health-table tbody");
    body.replaceChildren(...health.data.map((p) => {
      const tr = document.createElement("tr");
      tr.dataset.provider = p.provider;
      if (p.circuit_state !== "closed") tr.classList.add("error");
      cell(tr, p.provider);
      cell(tr, p.circuit_state);
      cell(tr, fmt.int(p.tries), p.tries);
      cell(tr, (p.error_rate * 100).toFixed(1) + " %", p.error_rate);
      cell(tr, p.latency_ewma_ms === null ? "" : fmt.ms(p.latency_ewma_ms), p.latency_ewma_ms);
      cell(tr, fmt.int(p.retries), p.retries);
      cell(tr, fmt.int(p.fallbacks), p.fallbacks);
      return tr;
    }));
    const routes = Object.entries(health.route_fallbacks || {});
    $("route-fallbacks").textContent = routes.length
      ? "Fallbacks by route: " + routes.map(([r, n]) => r + " " + fmt.int(n)).join(", ") : "";
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  // Cent fractions are normal for LLM calls: two significant digits keep tick labels distinct.
  const usdTicks = (u, splits) => splits.map((v) => (v === 0 ? "0" : "$" + plainNumber(v, 2)));

  function drawChart(id, xs, series, valueFormat) {
    const el = $(id);
    const width = Math.max(240, el.clientWidth || 300);
    const data = [xs, ...series.map((s) => s.values)];
    const axisColor = cssVar("--muted");
    const gridColor = cssVar("--line");
    const config = {
      width: width,
      height: 180,
      legend: { show: false },
      scales: { x: { time: true } },
      axes: [
        { stroke: axisColor, grid: { stroke: gridColor } },
        { stroke: axisColor, grid: { stroke: gridColor }, size: 60,
          ...(valueFormat === "usd" ? { values: usdTicks } : {}) },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2,
        fill: s.fill, points: { show: xs.length < 40 } }))],
    };
    const existing = state.charts[id];
    if (existing && existing.series.length === config.series.length && existing.width === width) {
      existing.setData(data);
      return;
    }
    if (existing) existing.destroy();
    el.replaceChildren();
    state.charts[id] = new uPlot(config, data, el);
  }

  // Every day of the range gets a point, zero when nothing happened, so the axis shows the range asked for.
  function fillDays(byDate, from, to) {
    const seen = new Map(byDate.map((d) => [d.date, d]));
    const empty = { calls: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 };
    const days = [];
    const start = from || (byDate.length ? byDate.map((d) => d.date).sort()[0] : utcToday());
    const end = to || utcToday();
    for (let d = start, n = 0; d <= end && n < 400; d = daysBefore(d, -1), n++) {
      days.push({ date: d, ...(seen.get(d) || empty) });
    }
    return days;
  }

  function renderCharts(byDate, requests, from, to) {
    const days = fillDays(byDate, from, to);
    const xs = days.map((d) => Date.parse(d.date + "T00:00:00Z") / 1000);
    const accent = cssVar("--accent");
    drawChart("chart-requests", xs, [
      { label: "calls", values: days.map((d) => d.calls), color: accent },
      { label: "errors", values: days.map((d) => d.errors), color: cssVar("--error-fg") },
    ]);
    drawChart("chart-tokens", xs, [
      { label: "prompt", values: days.map((d) => d.prompt_tokens), color: accent },
      { label: "completion", values: days.map((d) => d.completion_tokens), color: cssVar("--ok") },
    ]);
    drawChart("chart-cost", xs, [{ label: "USD", values: days.map((d) => Number(d.cost_usd)), color: accent }], "usd");
    const recent = requests.slice().reverse();
    drawChart("chart-latency", recent.map((r) => r.timestamp_ms / 1000), [
      { label: "latency", values: recent.map((r) => r.latency_ms), color: accent },
    ]);
  }

  function updateProviders(rows) {
    const select = $("filter-provider");
    let added = false;
    rows.forEach((r) => {
      if (r.provider && !state.knownProviders.has(r.provider)) {
        state.knownProviders.add(r.provider);
        added = true;
      }
    });
    if (!added) return;
    fillSelect(select, "All providers", [...state.knownProviders].sort().map((p) => [p, p]));
  }

  /** Replaces a filter's options with "all" and [value, label] pairs, keeping the choice. */
  function fillSelect(select, allLabel, entries) {
    const current = select.value;
    const options = [["", allLabel], ...entries].map(([value, label]) => {
      const o = document.createElement("option");
      o.value = value;
      o.textContent = label;
      return o;
    });
    select.replaceChildren(...options);
    select.value = current;
  }

  // Usage by virtual key (master key or no key only: other callers get an error and the section stays hidden)
  function renderKeys(answer) {
    const byKey = answer && answer.data.some((r) => r.key_id) ? answer : null; // a gateway without keys shows none
    $("keys-section").hidden = !byKey;
    $("filter-key-label").hidden = !byKey;
    if (!byKey) return;
    fillSelect($("filter-key"), "All keys", byKey.data.filter((r) => r.key_id).map((r) => [r.key_id, r.key_name || r.key_id]));
    const current = $("filter-key").value;
    const rows = current ? byKey.data.filter((r) => r.key_id === current) : byKey.data;
    document.querySelector("#keys-table tbody").replaceChildren(...rows.map((r) => {
      const tr = document.createElement("tr");
      cell(tr, r.key_name || "");
      cell(tr, r.key_id || "");
      cell(tr, fmt.int(r.calls), r.calls);
      cell(tr, fmt.int(r.errors), r.errors);
      cell(tr, fmt.int(r.prompt_tokens + r.completion_tokens));
      cell(tr, fmt.usd(r.cost_usd), r.cost_usd);
      cell(tr, r.budget_usd == null ? "" : fmt.usd(r.budget_usd) + " " + r.budget_period);
      const td = document.createElement("td");
      if (r.budget_usd) {
        const share = Math.min(1, r.cost_usd / r.budget_usd);
        const bar = document.createElement("div");
        bar.className = "budget-bar" + (share >= 0.9 ? " high" : "");
        const fill = document.createElement("span");
        fill.style.width = (share * 100).toFixed(1) + "%";
        bar.appendChild(fill);
        bar.title = (share * 100).toFixed(1) + "% of the budget";
        td.appendChild(bar);
      }
      tr.appendChild(td);
      return tr;
    }));
  }

  async function refresh() {
    const from = $("filter-from").value;
    const to = $("filter-to").value;
    const provider = $("filter-provider").value;
    const key = $("filter-key").value;
    const today = utcToday();
    const [range, todays, perDay, providers, requests, health, byKey] = await Promise.all([
      api("../v1/usage?" + query({ from, to, provider, group_by: "date,provider,model" })),
      api("../v1/usage?" + query({ date: today, provider, group_by: "date" })),
      api("../v1/usage?" + query({ from, to, provider, group_by: "date" })),
      api("../v1/usage?" + query({ group_by: "provider" })),
      api("../v1/usage/requests?limit=100"),
      api("../v1/usage/providers"),
      api("../v1/usage?" + query({ from, to, group_by: "key" })).catch((e) => { if (e.unauthorized) throw e; return null; }),
    ]);
    updateProviders(providers.data);
    const visible = requests.data.filter((r) => (!provider || r.provider === provider) && (!key || r.client_key_id === key));
    // Redraw only what changed: a table rebuilt every second would lose the reader's selection.
    const snapshot = JSON.stringify([range, todays, perDay.data, visible, health, byKey]);
    if (snapshot !== state.lastSnapshot) {
      state.lastSnapshot = snapshot;
      renderCards($("range"), range.total);
      renderCards($("today"), todays.total);
      state.rows = range.data;
      renderUsageTable();
      renderRequests(visible);
      renderHealth(health);
      renderCharts(perDay.data, visible, from, to);
      renderKeys(byKey);
    }
    state.updates++;
    $("live").classList.remove("stale");
    $("status-line").textContent = "Updated " + new Date().toLocaleTimeString();
  }

  async function tick() {
    try {
      await refresh();
    } catch (e) {
      if (e.unauthorized) {
        showLogin(state.key ? "Incorrect gateway key." : "");
        return;
      }
      $("live").classList.add("stale");
      $("status-line").textContent = "Could not update: " + e.message;
    }
    state.timer = setTimeout(tick, POLL_MS);
  }

  function showLogin(message) {
    clearTimeout(state.timer);
    $("app").hidden = true;
    $("login").hidden = false;
    $("login-error").hidden = !message;
    $("login-error").textContent = message;
    $("login-key").focus();
  }

  function showApp() {
    $("login").hidden = true;
    $("app").hidden = false;
    $("logout").hidden = !state.key;
    clearTimeout(state.timer);
    tick();
  }

  function init() {
    const today = utcToday();
    $("filter-to").value = today;
    $("filter-from").value = daysBefore(today, 6);
    ["filter-from", "filter-to", "filter-provider", "filter-key"].forEach((id) =>
      $(id).addEventListener("change", () => { clearTimeout(state.timer); tick(); }));
    document.querySelectorAll("#usage-table th").forEach((th) => th.addEventListener("click", () => {
      state.sort = { key: th.dataset.key, dir: state.sort.key === th.dataset.key ? -state.sort.dir : (th.dataset.type === "num" ? -1 : 1) };
      renderUsageTable();
    }));
    $("login-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      state.key = $("login-key").value.trim();
      sessionStorage.setItem(KEY_STORAGE, state.key);
      showApp();
    });
    $("logout").addEventListener("click", () => {
      sessionStorage.removeItem(KEY_STORAGE);
      state.key = "";
      showLogin("");
    });
    let resizeTimer;
    window.addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => Object.keys(state.charts).forEach((id) => {
        state.charts[id].setSize({ width: Math.max(240, $(id).clientWidth), height: 180 });
      }), 150);
    });
    showApp();
  }

  init();
})();

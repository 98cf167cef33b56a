"""Time to first byte of streaming responses, one keep-alive connection per target, requests
interleaved across targets (direct, gateway, proxy, direct, ...) so noise hits all of them alike.

For each request it records: the first response byte (status line), the first SSE event
(b"data:" seen in the body) and the complete response. Blocking sockets keep the client's own
overhead small and equal for every target; only differences between targets are reported."""

import socket
import statistics
import time

from .services import LOOPBACK


class KeepAliveClient:
    def __init__(self, port, path, body, accept):
        self.port = port
        self.sock = None
        self.request = (f"POST {path} HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\nContent-Type: application/json\r\n"
                        f"Accept: {accept}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body

    def _connect(self):
        self.sock = socket.create_connection((LOOPBACK, self.port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def once(self):
        """Returns (status, ttfb_ns, first_event_ns, total_ns, body)."""
        if self.sock is None:
            self._connect()
        clock = time.perf_counter_ns
        t0 = clock()
        self.sock.sendall(self.request)
        buf = b""
        t_first = t_event = None
        head_end = -1
        while head_end < 0:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the response head")
            if t_first is None:
                t_first = clock()
            buf += chunk
            head_end = buf.find(b"\r\n\r\n")
        head = buf[:head_end].decode("latin-1")
        raw = buf[head_end + 4:]
        lines = head.split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if b"data:" in raw:
            t_event = clock()
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        length = int(headers.get("content-length", "-1"))
        while True:
            if chunked:
                done, body = _dechunk(raw)
                if done:
                    break
            elif length >= 0:
                if len(raw) >= length:
                    body = raw[:length]
                    break
            chunk = self.sock.recv(65536)
            if not chunk:
                if not chunked and length < 0:
                    body = raw
                    self.sock.close()
                    self.sock = None
                    break
                raise ConnectionError("closed in the middle of the body")
            raw += chunk
            if t_event is None and b"data:" in raw:
                t_event = clock()
        t_end = clock()
        if headers.get("connection", "").lower() == "close" and self.sock is not None:
            self.sock.close()
            self.sock = None
        return status, t_first - t0, (t_event or t_end) - t0, t_end - t0, body

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _dechunk(raw):
    """(complete?, body) for a chunked body received so far."""
    body = b""
    i = 0
    while True:
        j = raw.find(b"\r\n", i)
        if j < 0:
            return False, body
        size = int(raw[i:j].split(b";")[0], 16)
        if size == 0:
            return raw.find(b"\r\n", j + 2) >= 0 or raw.endswith(b"\r\n"), body
        if len(raw) < j + 2 + size + 2:
            return False, body
        body += raw[j + 2:j + 2 + size]
        i = j + 2 + size + 2


def pct(values, p):
    s = sorted(values)
    if not s:
        return None
    k = min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))
    return s[k]


def measure(targets, body, accept, requests, warmup, log):
    """targets: [(name, port)] or [(name, port, own body)]. Returns {name: {...stats in ms...}}."""
    clients = {t[0]: KeepAliveClient(t[1], "/v1/chat/completions", t[2] if len(t) > 2 and t[2] else body, accept)
               for t in targets}
    samples = {t[0]: {"ttfb": [], "event": [], "total": [], "errors": 0} for t in targets}
    for i in range(warmup + requests):
        for name, *_ in (targets if i % 2 == 0 else list(reversed(targets))):
            try:
                status, first, event, total, resp = clients[name].once()
                ok = status == 200 and b"[DONE]" in resp
            except (OSError, ValueError) as e:
                ok = False
                clients[name].close()
                log(f"  ttfb {name}: {e}")
            if i < warmup:
                continue
            if not ok:
                samples[name]["errors"] += 1
                continue
            samples[name]["ttfb"].append(first / 1e6)
            samples[name]["event"].append(event / 1e6)
            samples[name]["total"].append(total / 1e6)
    for c in clients.values():
        c.close()
    out = {}
    for name, s in samples.items():
        out[name] = {
            "requests": len(s["ttfb"]), "errors": s["errors"],
            "ttfb_p50_ms": pct(s["ttfb"], 50), "ttfb_p90_ms": pct(s["ttfb"], 90), "ttfb_p99_ms": pct(s["ttfb"], 99),
            "first_event_p50_ms": pct(s["event"], 50), "first_event_p99_ms": pct(s["event"], 99),
            "total_p50_ms": pct(s["total"], 50),
            "ttfb_mean_ms": statistics.mean(s["ttfb"]) if s["ttfb"] else None,
        }
    base = out.get("direct")
    for name, o in out.items():
        if base and o["ttfb_p50_ms"] is not None and base["ttfb_p50_ms"] is not None:
            o["ttfb_overhead_p50_ms"] = o["ttfb_p50_ms"] - base["ttfb_p50_ms"]
            o["first_event_overhead_p50_ms"] = o["first_event_p50_ms"] - base["first_event_p50_ms"]
    return out

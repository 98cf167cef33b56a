"""Starting and stopping what the benchmark measures: nginx (fake upstream, proxy) and the gateway."""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time

from . import procstat

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(BENCH_DIR)
LOOPBACK = "127.0.0.1"

_started = []  # (kind, handle) for cleanup, newest last


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.02)
    return False


def request(port, method, path, body=None, headers=None, timeout=10.0):
    """One HTTP call to 127.0.0.1:port; returns (status, headers dict, body bytes)."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


class Nginx:
    """One nginx master with its workers, from a template in bench/nginx/."""

    def __init__(self, name, template, work, port, workers, extra=None):
        self.name = name
        self.port = port
        self.work = work
        self.conf = os.path.join(work, f"{name}.conf")
        os.makedirs(os.path.join(work, "tmp"), exist_ok=True)
        with open(os.path.join(BENCH_DIR, "nginx", template)) as f:
            text = f.read()
        values = {"WORK": work, "PORT": str(port), "WORKERS": str(workers)}
        values.update(extra or {})
        for k, v in values.items():
            text = text.replace("{{" + k + "}}", v)
        left = re.findall(r"\{\{[A-Z_]+\}\}", text)
        if left:
            raise RuntimeError(f"unfilled placeholders in {template}: {left}")
        with open(self.conf, "w") as f:
            f.write(text)
        self.pid_file = os.path.join(work, f"{name}.pid")
        self.master = None

    def start(self):
        subprocess.run(["nginx", "-p", self.work, "-c", self.conf, "-e", os.path.join(self.work, f"{self.name}-error.log")],
                       check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not os.path.exists(self.pid_file):
            time.sleep(0.02)
        with open(self.pid_file) as f:
            self.master = int(f.read().strip())
        _started.append(("nginx", self))
        if not wait_port(self.port):
            raise RuntimeError(f"nginx {self.name} did not listen on {self.port}")
        return self

    def pids(self):
        """The worker processes: they do the work; the master only supervises."""
        return procstat.children(self.master)

    def all_pids(self):
        return [self.master] + self.pids()

    def stop(self):
        if self.master:
            try:
                os.kill(self.master, signal.SIGTERM)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and os.path.exists(f"/proc/{self.master}"):
                time.sleep(0.05)
            self.master = None


# the key wrk/post.lua sends; the keyed target declares it as a virtual key, the other gateways take any
BENCH_KEY = "sk-bench-client-key"


def keyed_yaml(redis_url, name=""):
    """The keyed target: BENCH_KEY as a virtual key with rpm, tpm and a budget far above what a run uses,
    so every call is checked and reserved in Redis (its own key prefix) and none is refused."""
    prefix = f"rlg-bench-{os.getpid()}{'-' + name if name else ''}:"
    return (f"keys:\n  bench: {{ key: \"{BENCH_KEY}\", rpm: 1000000000, tpm: 1000000000000, budget_usd: 1000000,"
            f" budget_period: daily }}\n"
            f"limits: {{ redis: \"{redis_url}\", redis_prefix: \"{prefix}\" }}\n")


def store_yaml(store):
    """The usage.store line for a benchmark store name: memory, default (the gateway's own), or a URL."""
    if store == "default":
        return ""
    return f'usage: {{ store: "{store}" }}\n'


def store_label(store):
    if store in ("memory", "default"):
        return store
    return re.sub(r"[^a-z0-9]+", "", store.split(":", 1)[0].lower()) or "custom"


class JvmProcess:
    """One measured JVM: its pid for the CPU and memory readings, and a stop that lets it shut down."""

    proc = None

    @property
    def pid(self):
        return self.proc.pid

    def pids(self):
        return [self.proc.pid]

    def all_pids(self):
        return self.pids()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Gateway(JvmProcess):
    """The gateway from the fat jar: java [jvm opts] -jar <jar> serve --config <yaml>."""

    def __init__(self, name, jar, work, upstream_base_url, store="memory", jvm_opts=(), extra_yaml="",
                 provider_extra="", java="java", env=None, extra_providers="", default_provider="openai",
                 bodies=None):
        self.name = name
        self.jar = jar
        self.work = os.path.join(work, name)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work, exist_ok=True)
        self.port = free_port()
        self.jvm_opts = list(jvm_opts)
        self.java = java
        self.env = env
        self.config = os.path.join(self.work, "gateway.yaml")
        with open(self.config, "w") as f:
            f.write(f"host: {LOOPBACK}\nport: {self.port}\ndefault_provider: {default_provider}\n"
                    f"providers:\n  openai: {{ type: openai, base_url: \"{upstream_base_url}\", api_key: \"sk-bench\""
                    f"{provider_extra} }}\n" + extra_providers
                    + store_yaml(store) + extra_yaml)
        # request bodies by load mode ("plain", "stream") when this target needs its own model name
        self.bodies = dict(bodies or {})
        self.proc = None
        self.log = os.path.join(self.work, "gateway.log")
        self.started_at = None

    def command(self):
        # "--extra-cp=<jar>" among the JVM options puts more jars on the class path (e.g. Netty's native
        # epoll transport, which the fat jar lacks); the gateway then starts from its main class
        opts = [o for o in self.jvm_opts if not o.startswith("--extra-cp=")]
        extra = [o.split("=", 1)[1] for o in self.jvm_opts if o.startswith("--extra-cp=")]
        if extra:
            return [self.java, *opts, "-cp", os.pathsep.join([self.jar, *extra]), "io.recllm.gateway.cli.Main",
                    "serve", "--config", self.config]
        return [self.java, *opts, "-jar", self.jar, "serve", "--config", self.config]

    def launch(self):
        """Starts the JVM without waiting; returns the monotonic launch time."""
        env = dict(os.environ if self.env is None else self.env)
        env.pop("OPENAI_API_KEY", None)
        env.pop("ANTHROPIC_API_KEY", None)
        env.pop("REC_LLM_GATEWAY_CONFIG", None)
        env.pop("JAVA_TOOL_OPTIONS", None)
        logf = open(self.log, "ab")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(self.command(), cwd=self.work, stdout=logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)
        logf.close()
        _started.append(("gateway", self))
        return self.started_at

    def start(self, timeout=60.0):
        self.launch()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gateway {self.name} exited with {self.proc.returncode}; see {self.log}")
            try:
                status, _, _ = request(self.port, "GET", "/health", timeout=1.0)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"gateway {self.name} did not answer /health within {timeout} s; see {self.log}")


class FloorProxy(JvmProcess):
    """A bare JVM proxy from bench/java/, run from the gateway's jar (which carries Vert.x, Netty and the
    epoll transport): what a JVM gateway costs before doing any of its own work (no routing, JSON,
    telemetry or usage). `vertx-floor` is VertxFloorProxy.java (the gateway's server and client options);
    `netty-floor` is NettyFloorProxy.java (Netty alone, same two epoll event loops)."""

    SOURCES = {"vertx-floor": "VertxFloorProxy.java", "netty-floor": "NettyFloorProxy.java"}

    def __init__(self, name, jar, work, upstream_port, jvm_opts=()):
        self.name = name
        self.port = free_port()
        self.cmd = ["java", *[o for o in jvm_opts if not o.startswith("--extra-cp=")], "-cp", jar,
                    os.path.join(BENCH_DIR, "java", self.SOURCES[name]), str(self.port), str(upstream_port)]
        self.log = os.path.join(work, name + ".log")
        self.proc = None

    def start(self, timeout=60.0):
        logf = open(self.log, "ab")
        self.proc = subprocess.Popen(self.cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        logf.close()
        _started.append((self.name, self))
        if not wait_port(self.port, timeout):
            raise RuntimeError(f"{self.name} did not listen within {timeout} s; see {self.log}")
        return self


class Direct:
    """The fake upstream itself as a target: its CPU is the upstream nginx's workers'."""

    def __init__(self, upstream):
        self.name = "direct"
        self.port = upstream.port
        self.upstream = upstream

    def pids(self):
        return self.upstream.pids()

    def all_pids(self):
        return self.upstream.all_pids()


def stop_all():
    while _started:
        kind, h = _started.pop()
        try:
            h.stop()
        except Exception as e:  # noqa: BLE001 - best effort on the way out
            print(f"warning: could not stop {kind} {getattr(h, 'name', '')}: {e}")


def check_target(port, body_plain, body_stream, gateway):
    """One non-streaming and one streaming call; raises when the answer is not what the load expects.
    Returns the number of SSE events (data lines, [DONE] included) of the streamed answer."""
    status, headers, data = request(port, "POST", "/v1/chat/completions", body_plain,
                                    {"Content-Type": "application/json", "Accept": "application/json",
                                     "Authorization": "Bearer " + BENCH_KEY})
    if status != 200:
        raise RuntimeError(f"port {port}: non-streaming call answered {status}: {data[:300]!r}")
    doc = json.loads(data)
    if doc.get("object") != "chat.completion" or "Paris" not in json.dumps(doc):
        raise RuntimeError(f"port {port}: unexpected chat completion {data[:300]!r}")
    if gateway and "x_rec_llm" not in doc:
        raise RuntimeError(f"port {port}: gateway answer without x_rec_llm: {data[:300]!r}")
    status, headers, data = request(port, "POST", "/v1/chat/completions", body_stream,
                                    {"Content-Type": "application/json", "Accept": "text/event-stream",
                                     "Authorization": "Bearer " + BENCH_KEY})
    if status != 200 or not headers.get("content-type", "").startswith("text/event-stream"):
        raise RuntimeError(f"port {port}: streaming call answered {status} {headers.get('content-type')}")
    text = data.decode()
    if "data: [DONE]" not in text or text.count("data: ") < 10:
        raise RuntimeError(f"port {port}: stream without [DONE] or too short: {text[:300]!r}")
    if gateway and '"finish_reason":"stop"' not in text:
        raise RuntimeError(f"port {port}: stream without a stop finish reason: {text[:300]!r}")
    return text.count("data: ")

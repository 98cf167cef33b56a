"""Other builds of the gateway measured side by side with this one: fat jars given by path (--compare) or
built from a git commit (--baseline-ref). Run in the same alternating rounds as every other target, so a
slower or busier moment of the machine falls on both builds alike: the only fair way to compare two builds
on a shared machine, where runs minutes apart differ by 10-15%."""

import glob
import os
import re
import shutil
import subprocess

from .services import BENCH_DIR, REPO_DIR

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
JARS_DIR = os.path.join(BENCH_DIR, ".work", "jars")
# a change is judged acceptable when this build is at most this much slower / costlier than the other
TOLERANCE_PCT = 3.0


def parse_compare(spec):
    """'NAME=JAR[,NAME=JAR...]' -> [(name, absolute jar path)]; raises ValueError on a malformed entry."""
    out = []
    for item in (spec or "").split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, jar = item.partition("=")
        name, jar = name.strip(), jar.strip()
        if not sep or not jar:
            raise ValueError(f"--compare entry {item!r} is not NAME=JAR")
        if not NAME_RE.match(name):
            raise ValueError(f"--compare name {name!r}: letters, digits, '.', '_' and '-' only")
        out.append((name, os.path.abspath(os.path.expanduser(jar))))
    return out


def _git(*args, cwd=REPO_DIR, check=True):
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {(r.stderr or r.stdout).strip()}")
    return r.stdout.strip()


def resolve_commit(ref):
    """The full hash and subject line of a git ref of this repository."""
    try:
        commit = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except RuntimeError:
        raise RuntimeError(f"--baseline-ref {ref!r} is not a commit of this repository") from None
    return commit, _git("log", "-1", "--format=%s", commit)


def this_build():
    """Which commit the main jar was built from, as far as the tree says: HEAD, and whether the sources differ
    from it (the jar is then HEAD plus the uncommitted change, which is usually the point of comparing)."""
    try:
        head = _git("rev-parse", "HEAD")
        dirty = bool(_git("status", "--porcelain", "--", "src", "core", "server", "pom.xml"))
        return {"commit": head, "uncommitted_changes": dirty}
    except (RuntimeError, OSError):
        return {"commit": None, "uncommitted_changes": None}


def _run_build(cmd, cwd, logfile):
    with open(logfile, "ab") as f:
        f.write(("$ " + " ".join(cmd) + "\n").encode())
        f.flush()
        return subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode


def _tail(path, lines=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def jar_for_commit(commit, log):
    """The gateway's fat jar built from `commit`, from the cache under bench/.work/jars/ or built in a
    temporary detached worktree (removed afterwards, also when the build fails)."""
    cached = os.path.join(JARS_DIR, f"rec-llm-gateway-{commit}-all.jar")
    if os.path.exists(cached):
        log(f"baseline jar for {commit[:12]} from the cache ({os.path.relpath(cached, REPO_DIR)})")
        return cached
    os.makedirs(JARS_DIR, exist_ok=True)
    src = os.path.join(BENCH_DIR, ".work", f"src-{commit[:12]}-{os.getpid()}")
    logfile = os.path.join(JARS_DIR, f"build-{commit[:12]}.log")
    log(f"building the gateway at {commit[:12]} in {os.path.relpath(src, REPO_DIR)} "
        f"(log: {os.path.relpath(logfile, REPO_DIR)})")
    _git("worktree", "add", "--detach", src, commit)
    try:
        mvn = ["./mvnw"] if os.access(os.path.join(src, "mvnw"), os.X_OK) else ["mvn"]
        # since the build has modules the fat jar is the server module's; before, the only module's
        modular = os.path.exists(os.path.join(src, "server", "pom.xml"))
        goals = ["-DskipTests", "clean", "package", *(["-pl", "server", "-am"] if modular else [])]
        if _run_build([*mvn, "-q", "-o", *goals], src, logfile) != 0:
            log("  offline build failed (a dependency missing from ~/.m2?); trying again online")
            if _run_build([*mvn, "-q", *goals], src, logfile) != 0:
                raise RuntimeError(f"building {commit[:12]} failed; last lines of {logfile}:\n{_tail(logfile)}")
        target = os.path.join("server", "target") if modular else "target"
        jars = glob.glob(os.path.join(src, target, "*-all.jar"))
        if len(jars) != 1:
            raise RuntimeError(f"{commit[:12]} built {len(jars)} fat jars ({target}/*-all.jar), expected one")
        # copy then rename, so an interrupted copy never leaves a truncated jar in the cache
        shutil.copyfile(jars[0], cached + ".part")
        os.replace(cached + ".part", cached)
        log(f"  built {os.path.relpath(cached, REPO_DIR)}")
        return cached
    finally:
        r = subprocess.run(["git", "worktree", "remove", "--force", src], cwd=REPO_DIR, capture_output=True)
        if r.returncode != 0:
            shutil.rmtree(src, ignore_errors=True)
            subprocess.run(["git", "worktree", "prune"], cwd=REPO_DIR, capture_output=True)


def _pct(ours, theirs):
    if not ours or not theirs:
        return None
    return (ours / theirs - 1) * 100


def ratios(load, load_runs, main, others):
    """Per compare target and (mode, conns): the main gateway against it. req/s and CPU µs/request as
    "this build vs that one" in percent (negative req/s or positive µs: this build is worse), the same for
    each round alone (the rounds run both back to back, so their spread shows the noise), and whether
    this build is within TOLERANCE_PCT on both."""
    agg = {(r["target"], r["mode"], r["conns"]): r for r in load}
    runs = {}
    for r in load_runs:
        runs[(r["target"], r["mode"], r["conns"], r["round"])] = r
    out = []
    for other in others:
        for (target, mode, conns), m in sorted(agg.items(), key=lambda kv: (kv[0][1] != "plain", kv[0][2])):
            if target != main or (other, mode, conns) not in agg:
                continue
            o = agg[(other, mode, conns)]
            per_round = []
            for (t, md, c, rnd), mr in sorted(runs.items(), key=lambda kv: kv[0][3]):
                orow = runs.get((other, md, c, rnd))
                if t == main and md == mode and c == conns and orow:
                    per_round.append({"round": rnd, "rps_pct": _pct(mr["rps"], orow["rps"]),
                                      "cpu_pct": _pct(mr["cpu_us_per_req"], orow["cpu_us_per_req"])})
            rps_pct = _pct(m["rps"], o["rps"])
            cpu_pct = _pct(m["cpu_us_per_req"], o["cpu_us_per_req"])
            out.append({
                "target": other, "main": main, "mode": mode, "conns": conns,
                "rps": m["rps"], "cpu_us_per_req": m["cpu_us_per_req"],
                "other_rps": o["rps"], "other_cpu_us_per_req": o["cpu_us_per_req"],
                "rps_pct": rps_pct, "cpu_pct": cpu_pct, "per_round": per_round,
                "within_tolerance": (rps_pct is not None and cpu_pct is not None
                                     and rps_pct >= -TOLERANCE_PCT and cpu_pct <= TOLERANCE_PCT),
            })
    return out

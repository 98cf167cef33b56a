#!/usr/bin/env bash
# RecLLM Gateway benchmark: the one command. See bench/README.md.
#
#   bench/run.sh                 default run (a few minutes): load matrix, streaming TTFB, start-up
#   bench/run.sh --all           also capacity (slow streams), 10-minute RSS soak, JVM flag variants, JFR profile
#   bench/run.sh --help          every option (durations, rounds, stores, connections, ...)
#   bench/run.sh jmh [JMH args]  JMH microbenchmarks of the hot paths (installs the gateway into ~/.m2 first)
#
# On a fresh Debian machine it installs what is missing (wrk, nginx, python3, openssl, a JDK, Maven) with
# apt-get and builds the gateway jar when server/target/ has none. All traffic stays on 127.0.0.1.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
JAR="$REPO_DIR/server/target/rec-llm-gateway-0.1.0-SNAPSHOT-all.jar"
cd "$REPO_DIR"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v python3 >/dev/null || need+=(python3)
command -v openssl >/dev/null || need+=(openssl)
command -v javac >/dev/null && command -v jcmd >/dev/null && command -v jfr >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing from Debian: ${need[*]}"
  # policy-rc.d keeps the nginx package from starting its own server on port 80
  created_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  if [ -n "$created_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi
export PATH="$PATH:/usr/sbin"

build_jar() {
  echo "bench: building the gateway jar"
  # the project's wrapper when there is one: the same Maven that builds a --baseline-ref jar
  local mvn=mvn
  if [ -x ./mvnw ]; then mvn=./mvnw; fi
  # the server module and what it needs (core), not the Spring Boot starter and its example
  $mvn -q -o clean package -DskipTests -pl server -am || $mvn -q clean package -DskipTests -pl server -am
}

# as many open files as the hard limit allows (the capacity run holds thousands of sockets)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [ "${1:-}" = "jmh" ]; then
  shift
  echo "bench: installing the gateway into the local Maven repository"
  mvn -q -o clean install -DskipTests -pl core -am || mvn -q clean install -DskipTests -pl core -am
  echo "bench: building bench/jmh"
  mvn -q -o -f "$BENCH_DIR/jmh/pom.xml" clean package || mvn -q -f "$BENCH_DIR/jmh/pom.xml" clean package
  mkdir -p "$BENCH_DIR/results"
  out="$BENCH_DIR/results/jmh-$(date +%Y%m%d-%H%M%S)"
  java -jar "$BENCH_DIR/jmh/target/benchmarks.jar" -rf json -rff "$out.json" "$@" | tee "$out.txt"
  echo "bench: JMH results in ${out#$REPO_DIR/}.txt and .json"
  exit 0
fi

# Comparing builds means comparing this tree's build: a jar older than the sources would be some earlier one.
comparing=""
for arg in "$@"; do
  case "$arg" in --compare|--compare=*|--baseline-ref|--baseline-ref=*) comparing=1 ;; esac
done
if [ ! -f "$JAR" ] || [ "${BENCH_REBUILD:-}" = "1" ]; then
  build_jar
elif [ -n "$comparing" ] && [ -n "$(find core/src server/src pom.xml core/pom.xml server/pom.xml -newer "$JAR" -print -quit)" ]; then
  echo "bench: the gateway jar is older than the sources (core/, server/) or a pom.xml"
  build_jar
fi
exec python3 "$BENCH_DIR/bench.py" "$@"

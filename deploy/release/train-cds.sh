#!/usr/bin/env bash
# Makes an installed release's class-data-sharing archive: one run of its launcher, which writes the
# archive when the run stops (see bin/rec-llm-gateway), answering a call of each kind the start-up and
# the first calls need. An archive only serves the folder it was made in (Java 17 checks the jar's path),
# so this runs where the release will run: the container image's build runs it in /app.
#
#   deploy/release/train-cds.sh APP_HOME
set -euo pipefail
home=$(cd "$1" && pwd -P)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One HTTP request with bash alone (build images need no curl): prints the status line.
http() { # port method path [body]
  local body=${4:-}
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf '%s %s HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$2" "$3" "${#body}" "$body" >&3
  head -n 1 <&3
  exec 3<&- 3>&-
}

(cd "$work" && REC_LLM_GATEWAY_USAGE_STORE="sqlite:$work/usage.db" REC_LLM_GATEWAY_CONFIG="" \
  exec "$home/bin/rec-llm-gateway" serve --host 127.0.0.1 --port 0) > "$work/log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/log")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
[ -n "$port" ] || { echo "train-cds: the gateway did not start:" >&2; cat "$work/log" >&2; exit 1; }
http "$port" GET /health >/dev/null
http "$port" GET /ready >/dev/null
http "$port" POST /v1/chat/completions '{"model":"mock:echo","messages":[{"role":"user","content":"Hello"}]}' >/dev/null
http "$port" POST /v1/chat/completions \
  '{"model":"mock:echo","stream":true,"messages":[{"role":"user","content":"Hello"}]}' >/dev/null
http "$port" GET /metrics >/dev/null
kill -TERM "$pid"
wait "$pid" || true
ls "$home"/lib/cds/*.jsa >/dev/null 2>&1 || { echo "train-cds: no archive in $home/lib/cds:" >&2; cat "$work/log" >&2; exit 1; }

#!/usr/bin/env bash
# Fuzzes every Jazzer @FuzzTest of the project, one after another, for a given time each, and reports
# what it found. `mvn test` only replays the seed inputs; this is the long run.
#
#   bench/fuzz.sh              # 120 s per target
#   bench/fuzz.sh 600          # 10 minutes per target
#   bench/fuzz.sh 60 SseParserFuzzTest#splitFeeding   # only the named targets
#
# A finding is saved by Jazzer next to the seeds, as core/src/test/resources/<package>/<Class>Inputs/<method>/crash-<sha1>
# (or timeout-...), where `mvn test` replays it from then on: fix the code, keep the file as the
# regression input (rename it to say what it is). Inputs that reached new code go to .cifuzz-corpus/
# (git-ignored) and are reused by the next run. Logs: bench/results/fuzz-<time>/.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-120}
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: bench/fuzz.sh [seconds per target] [Class#method ...]" >&2
  exit 2
fi

all_targets=(
  io.recllm.gateway.http.ChatRequestFuzzTest#parseAndValidate
  io.recllm.gateway.provider.anthropic.AnthropicMapperFuzzTest#openAiRequestToAnthropic
  io.recllm.gateway.provider.anthropic.AnthropicMapperFuzzTest#anthropicResponseToOpenAi
  io.recllm.gateway.provider.anthropic.AnthropicStreamFuzzTest#translateStream
  io.recllm.gateway.provider.ChatChunkFuzzTest#scanOpenAiStream
  io.recllm.gateway.provider.SseParserFuzzTest#splitFeeding
  io.recllm.gateway.config.ConfigLoaderFuzzTest#load
)
targets=()
if [ $# -gt 0 ]; then
  for wanted in "$@"; do
    match=""
    for t in "${all_targets[@]}"; do [[ "$t" == *"$wanted" ]] && match=$t; done
    if [ -z "$match" ]; then echo "no fuzz target $wanted (known: ${all_targets[*]##*.})" >&2; exit 2; fi
    targets+=("$match")
  done
else
  targets=("${all_targets[@]}")
fi

out="bench/results/fuzz-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
echo "Compiling the tests"
./mvnw -q -pl core test-compile >"$out/compile.log" 2>&1 || { cat "$out/compile.log"; exit 1; }

findings_in() { # the finding files in an inputs directory, one per line
  [ -d "$1" ] && find "$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort
}

summary="$out/summary.md"
printf '| target | seconds | runs | result |\n|---|---|---|---|\n' >"$summary"
found=0
for target in "${targets[@]}"; do
  class=${target%#*}
  method=${target#*#}
  simple=${class##*.}
  package_dir=$(dirname "${class//.//}")
  inputs="core/src/test/resources/$package_dir/${simple}Inputs/$method"
  mkdir -p "$inputs" # Jazzer saves findings here only if it exists
  log="$out/$simple.$method.log"
  before=$(findings_in "$inputs")
  echo "Fuzzing $simple#$method for ${seconds}s"
  start=$(date +%s)
  # -Djazzer.hooks=true: coverage feedback and bug detectors (junit-platform.properties turns them off
  # for the seed replay in mvn test). A per-input limit of 10 s turns a hang into a finding; JUnit's own
  # timeout would otherwise stop the whole run.
  JAZZER_FUZZ=1 ./mvnw -q -pl core dependency:properties surefire:test \
    -Dtest="$simple#$method" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.hooks=true -Djazzer.max_duration="${seconds}s" \
    -Djunit.jupiter.execution.timeout.mode=disabled \
    -Djunit.jupiter.execution.timeout.testtemplate.method.default=10s \
    -Djunit.jupiter.execution.timeout.default=10s \
    >"$log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - start ))
  runs=$(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)
  runs=${runs:+$(echo "$runs" | awk '{print $2}')}
  fuzzed=$(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 | awk '{print $5}')
  new=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$(findings_in "$inputs")") | sed '/^$/d')
  if [ -n "$new" ]; then
    found=1
    result="FINDING: $(echo "$new" | xargs -n1 basename | paste -sd ' ')"
  elif [ $rc -ne 0 ]; then
    found=1
    result="FAILED (exit $rc, no input saved; see $log)"
  else
    result="nothing found"
  fi
  echo "  ${fuzzed:-?}s fuzzing (${elapsed}s with the build), ${runs:-?} runs: $result"
  printf '| %s#%s | %s | %s | %s |\n' "$simple" "$method" "${fuzzed:-?}" "${runs:-?}" "$result" >>"$summary"
  if [ -n "$new" ]; then
    grep -aE '^== Java Exception|^Caused by|^java\.|^org\.|^\s+at io\.recllm' "$log" | head -n 15 | sed 's/^/    /'
  fi
done

echo
cat "$summary"
echo
echo "Logs in $out/"
exit $found

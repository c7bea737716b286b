#!/usr/bin/env bash
# Runs every TOTP Guard benchmark: one JMH run (and the chart from its results), then the HTTP benchmarks: the HTTP
# loopback benchmark (the example application with TOTP Guard's filter on vs off) and the Accept-Language memory
# benchmark (the example's retained heap after 60,000 requests with one tag, then 60,000 with distinct tags).
#
#   benchmarks/run.sh                      # everything: 37 JMH benchmarks (about 7 minutes on 2 cores), then HTTP
#                                          # (about 80 s + 30 s): under 10 minutes with the build
#   benchmarks/run.sh TotpVerifyBenchmark  # only JMH benchmarks whose name matches (JMH regexp), no HTTP part;
#                                          # any other JMH option may follow too
#   JMH_TIMES="-wi 1 -w 1s -i 1 -r 1s" benchmarks/run.sh   # a quick smoke run of JMH (about 3 minutes)
#   HTTP=only benchmarks/run.sh            # only the HTTP benchmarks (loopback, then Accept-Language memory)
#   HTTP=memory benchmarks/run.sh          # only the Accept-Language memory benchmark (about 30 s plus the build)
#   MEMORY_OPTIONS="--label main --requests 60000" benchmarks/run.sh   # options of the memory benchmark
#   HTTP=skip benchmarks/run.sh            # only JMH (HTTP=run forces the HTTP part after a JMH regexp)
#   HTTP_OPTIONS="--rounds 6 --round-seconds 5" benchmarks/run.sh   # options of the HTTP loopback benchmark (--help below)
#
# Writes to benchmarks/results/ (or $RESULTS_DIR): results.json (JMH), results.txt (JMH's console
# output), results.md (table), chart.png (ratios to TOTP Guard), machine.txt (CPU, JDK, load), and from the HTTP
# part http-loopback.json, http-loopback.md (table) and http-loopback.png (p50 per round, filter on vs off), and
# accept-language-memory.md (one line appended per run).
# Every JMH benchmark runs in one fork with the same JVM flags, 2 x 2 s warm-up and 3 x 2 s measurement,
# with -prof gc for bytes allocated per operation. -foe stops the run if a set-up check fails, e.g. when
# the libraries disagree on whether a code is valid. The HTTP part exits non-zero if any response was not the one
# expected (2xx; the filter's 404 page in the memory benchmark).
# Its options: java -cp benchmarks/target/benchmarks.jar dev.totpguard.benchmarks.http.HttpLoopbackBenchmark --help
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${RESULTS_DIR:-benchmarks/results}"
mkdir -p "$out"

if [ $# -gt 0 ]; then http="${HTTP:-skip}"; else http="${HTTP:-run}"; fi
case "$http" in
  run|skip|only|memory) ;;
  *) echo "HTTP must be run, skip, only or memory, not '$http'" >&2; exit 2 ;;
esac

# The HTTP part starts the example application's launcher jar, so it is built too.
modules=benchmarks
if [ "$http" != skip ]; then modules=benchmarks,example-webapp; fi
./mvnw -q -B package -DskipTests -pl "$modules" -am

run_http() {
  read -r -a http_options <<< "${HTTP_OPTIONS:-}"
  java -cp benchmarks/target/benchmarks.jar dev.totpguard.benchmarks.http.HttpLoopbackBenchmark \
    --jar example-webapp/target/totpguard-example.jar --out "$out" ${http_options[@]+"${http_options[@]}"}
  run_memory
}
run_memory() {
  read -r -a memory_options <<< "${MEMORY_OPTIONS:-}"
  java -cp benchmarks/target/benchmarks.jar dev.totpguard.benchmarks.http.AcceptLanguageMemoryBenchmark \
    --jar example-webapp/target/totpguard-example.jar --out "$out" ${memory_options[@]+"${memory_options[@]}"}
}
if [ "$http" = only ]; then
  run_http
  exit 0
fi
if [ "$http" = memory ]; then
  run_memory
  exit 0
fi

read -r -a times <<< "${JMH_TIMES:--wi 2 -w 2s -i 3 -r 2s}"
jmh_options=(-f 1 "${times[@]}" -prof gc -foe true)
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "java: $(java -version 2>&1 | tr '\n' ' ')"
  echo "jmh options: ${jmh_options[*]} $*"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

java -jar benchmarks/target/benchmarks.jar "${jmh_options[@]}" -rf json -rff "$out/results.json" "$@" \
  | tee "$out/results.txt"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

title="TOTP Guard benchmarks, $(java -version 2>&1 | head -1), $(nproc) cores, JMH ${jmh_options[*]}"
java -Djava.awt.headless=true -cp benchmarks/target/benchmarks.jar \
  dev.totpguard.benchmarks.report.BenchmarkReport "$out/results.json" "$out/chart.png" "$out/results.md" "$title"

if [ "$http" = run ]; then
  run_http
fi

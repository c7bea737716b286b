#!/usr/bin/env bash
# Runs every TOTP Guard benchmark in one JMH run and draws the chart from its results.
#
#   benchmarks/run.sh                      # everything (37 benchmarks), about 7-8 minutes on 2 cores
#   benchmarks/run.sh TotpVerifyBenchmark  # only benchmarks whose name matches (JMH regexp);
#                                          # any other JMH option may follow too
#   JMH_TIMES="-wi 1 -w 1s -i 1 -r 1s" benchmarks/run.sh   # a quick smoke run (about 3 minutes)
#
# Writes to benchmarks/results/ (or $RESULTS_DIR): results.json (JMH), results.txt (JMH's console
# output), results.md (table), chart.png (ratios to TOTP Guard), machine.txt (CPU, JDK, load).
# Every benchmark runs in one fork with the same JVM flags, 2 x 2 s warm-up and 3 x 2 s measurement,
# with -prof gc for bytes allocated per operation. -foe stops the run if a set-up check fails, e.g. when
# the libraries disagree on whether a code is valid.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${RESULTS_DIR:-benchmarks/results}"
mkdir -p "$out"

./mvnw -q -B package -DskipTests -pl benchmarks -am

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

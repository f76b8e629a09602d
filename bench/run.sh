#!/usr/bin/env bash
# The benchmark harness. Usage: bench/run.sh <intake|catch-up|daily|read|page|oversize|events|pgbouncer|retention|startup|takeover|all|smoke> [--option value ...]
# Builds the project, then runs dev.leadline.bench.Bench in a plain JVM; the service under test is
# started as its own process from this directory, as the README runs it. Set BENCH_DB_URL to use an
# external PostgreSQL instead of the embedded one. --pin N runs this harness (the HTTP load generator) and pgbench on
# core N (taskset, util-linux) and the service with its embedded PostgreSQL on the other cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
pin=()
args=("$@")
for ((i = 0; i + 1 < ${#args[@]}; i++)); do
  if [[ ${args[i]} == --pin ]]; then
    pin=(taskset -c "${args[i + 1]}")
  fi
done
exec "${pin[@]}" java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.leadline.bench.Bench "$@"

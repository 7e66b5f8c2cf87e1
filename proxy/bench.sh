#!/usr/bin/env bash
# The service proxy benchmark (issue 8): N Services x 10 endpoints through the proxy's own code path into real
# nftables, in a network namespace this script creates and removes (nothing of the host's ruleset is touched, no
# packet leaves it). Prints full-sync and incremental-sync times and the first-packet latency through a ClusterIP,
# and writes bench-results/proxy.json at the repository root.
#
#   proxy/bench.sh [SERVICES ...]        default: 1000 3000 10000 (needs root)
#   proxy/bench.sh --quick               200 and 1000 services, 5 changes each (./quarkube bench --quick)
#   -Dchanges=N through BENCH_JAVA_OPTS: incremental changes measured per size (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == --quick || "${QUARKUBE_BENCH_QUICK:-0}" == 1 ]]; then
  [[ "${1:-}" == --quick ]] && shift
  (($# > 0)) || set -- 200 1000
  BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Dchanges=5}"
fi
[[ $(id -u) == 0 ]] || { echo "proxy/bench.sh needs root (network namespace, nftables)" >&2; exit 1; }
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  mvn -q -pl proxy -am -DskipTests install >/dev/null
  mvn -q -pl proxy test-compile >/dev/null
fi
cp_file=proxy/target/bench.classpath
mvn -q -pl proxy dependency:build-classpath -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=test >/dev/null
ns="qkb-bench-$$"
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
QUARKUBE_BENCH_NETNS="$ns" ip netns exec "$ns" java ${BENCH_JAVA_OPTS:-} \
  -cp "proxy/target/test-classes:proxy/target/classes:$(cat "$cp_file")" io.quarkube.proxy.bench.ProxyBenchmark "$@"

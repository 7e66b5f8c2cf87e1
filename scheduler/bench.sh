#!/usr/bin/env bash
# The scheduler benchmark (upstream scheduler_perf's SchedulingBasic): N simulated nodes, M pending pods, the real
# API server and etcd, then the scheduler. Prints pods scheduled per second, the slowest 10 s window, CPU per
# component and the same-minute raw etcd put rate (the machine's yardstick), and writes bench-results/scheduler.json.
#
#   scheduler/bench.sh [--quick] [--nodes N --pods M] [--keep-cluster]
#
#   --quick          500 nodes / 1,000 pods (default: 5,000 nodes / 10,000 pods)
#   --keep-cluster   leave the benchmark's cluster running afterwards
# Environment:
#   BENCH_STATE_DIR  use the cluster that runs there (it must run without a scheduler:
#                    QUARKUBE_COMPONENTS=api-server ./quarkube --data-dir DIR up); otherwise the script starts one
#                    (etcd + API server only) in /dev/shm/quarkube-bench-UID (etcd on tmpfs; else .quarkube/bench)
#                    and stops it at the end.
#   QUARKUBE_API_PORT, QUARKUBE_ETCD_PORT  ports of the cluster the script starts (defaults of ./quarkube otherwise)
#   BENCH_RESULTS    where the JSON goes (default: bench-results/scheduler.json in the checkout)
#   BENCH_SCHEDULER_JAR  the scheduler to measure (default: scheduler/target/quarkus-app/quarkus-run.jar)
#   BENCH_SCHEDULER_JAVA_OPTS  JVM options for the scheduler instead of the launcher's (-XX:+UseSerialGC -XX:NewRatio=4
#                    -XX:TieredStopAtLevel=1 -Xms16m), e.g. to add -XX:StartFlightRecording=filename=s.jfr
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
nodes=5000 pods=10000 keep=false
while (($#)); do
  case "$1" in
    --quick) nodes=500 pods=1000 ;;
    --nodes) nodes=$2; shift ;;
    --pods) pods=$2; shift ;;
    --keep-cluster) keep=true ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

cd "$ROOT"
state=${BENCH_STATE_DIR:-}
started=false
if [[ -z "$state" ]]; then
  # etcd's data on tmpfs when there is one, as upstream's integration etcd usually runs: on a disk shared with other
  # work every write waits for a contended fsync, and the figure measures the disk, not the scheduler.
  if [[ -d /dev/shm && -w /dev/shm ]]; then state=/dev/shm/quarkube-bench-$(id -u); else state=$ROOT/.quarkube/bench; fi
  echo "==> starting etcd + API server in $state"
  QUARKUBE_COMPONENTS=api-server ./quarkube --data-dir "$state" up
  started=true
fi
stop() {
  if $started && ! $keep; then
    QUARKUBE_COMPONENTS=api-server ./quarkube --data-dir "$state" down >/dev/null 2>&1 || true
  fi
}
trap stop EXIT

etcd_port=$(sed -n 's/^ETCD_PORT=\([0-9]*\)$/\1/p' "$state/run/ports" 2>/dev/null | head -1)
etcd_port=${etcd_port:-${QUARKUBE_ETCD_PORT:-2379}}

# The scheduler jar the benchmark starts: rebuild when a source is newer than it.
jar=${BENCH_SCHEDULER_JAR:-scheduler/target/quarkus-app/quarkus-run.jar}
if [[ ! -f $jar ]] || [[ -n $(find scheduler/src/main scheduler/pom.xml -newer "$jar" -print -quit) ]]; then
  echo "==> building the scheduler"
  mvn -o -q -pl scheduler -am -DskipTests install
fi

echo "==> SchedulingBasic: $nodes nodes, $pods pods"
mvn -o -q -pl scheduler test -Dtest=SchedulingBasicBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.kubeconfig="$state/admin.kubeconfig" -Dbench.state-dir="$state" -Dbench.nodes="$nodes" \
  -Dbench.pods="$pods" -Dbench.etcd="http://127.0.0.1:$etcd_port" \
  -Dbench.results="${BENCH_RESULTS:-$ROOT/bench-results/scheduler.json}" \
  "-Dbench.scheduler-java-opts=${BENCH_SCHEDULER_JAVA_OPTS:-}" -DtrimStackTrace=true

#!/usr/bin/env bash
# Measures the worker's resident memory under a bin/local-like load, to size the Kubernetes
# requests and limits (deploy/kubernetes/base/deployment.yaml): the embedded Service Bus emulator,
# a generated fake tenant, and the packaged worker jar with the image's JVM flags, revoking one
# leaver group of every generated user. Prints the peak RSS (VmHWM) and the RSS once idle again.
# Usage: bench/measure-rss.sh [USERS] [WRITES_PER_SECOND]   (after ./mvnw -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-5000}
budget=${2:-200}
java=${JAVA:-$(ls -d /usr/lib/jvm/*/bin/java | sort -V | tail -1)}
sb_port=15672 graph_port=18091 http_port=18092
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

"$java" -jar testkit/target/offboarding-testkit.jar servicebus --port $sb_port --config deploy/servicebus/config.json >"$work/sb.log" 2>&1 &
pids+=($!)
"$java" -jar testkit/target/offboarding-testkit.jar fake-graph --port $graph_port --generate "$users" \
  --writes-per-150s $((budget * 150 * 2)) --latency-ms 40 --jitter-ms 40 >"$work/graph.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$graph_port/v1.0/groups?\$top=999" >"$work/groups.json" 2>/dev/null && break
  sleep 0.5
done
group=$(python3 -c 'import json,sys; print(next(g["id"] for g in json.load(open(sys.argv[1]))["value"] if g["displayName"]=="All Employees"))' "$work/groups.json")
cat >"$work/event.json" <<JSON
{"specversion":"1.0","id":"$(cat /proc/sys/kernel/random/uuid)","source":"/bench/rss","type":"dev.offboarding.leaver.v1",
 "time":"2026-12-01T00:00:00Z","datacontenttype":"application/json",
 "data":{"targets":[{"group":"$group"}],"actions":["disableAccount","revokeSessions"],"reason":"RSS measurement","ticket":"RSS-1","requestedBy":"bench"}}
JSON
export SERVICEBUS_CONNECTION_STRING="Endpoint=sb://localhost:$sb_port;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"
export GRAPH_BASE_URL="http://127.0.0.1:$graph_port/v1.0" GRAPH_AUTH=none HTTP_PORT=$http_port \
  SERVICEBUS_URGENT_QUEUE=offboarding-urgent SERVICEBUS_OPS_QUEUE=offboarding-ops \
  SERVICEBUS_INTERNAL_QUEUE=offboarding-internal SERVICEBUS_STATE_QUEUE=offboarding-state GRAPH_WRITES_PER_SECOND=$budget MAX_TARGETS_PER_EVENT=$((users * 2)) \
  MAX_USERS_PER_HOUR=$((users * 2)) MAX_URGENT_USERS_PER_HOUR=$((users * 2)) LOG_FORMAT=json \
  ALLOW_UNPROTECTED=true # the generated tenant's break-glass group is among the leavers measured
# The image's JVM flags (worker/pom.xml, jib jvmFlags), with the heap the 640 MiB limit gives it (MaxRAMPercentage=60).
"$java" -Xmx384m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Xss512k -XX:ReservedCodeCacheSize=64m \
  -XX:MaxMetaspaceSize=160m -jar worker/target/offboarding-worker.jar run >"$work/worker.log" 2>&1 &
worker=$!
pids+=($worker)
for _ in $(seq 1 240); do curl -fsS "http://127.0.0.1:$http_port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
rss() { awk -v k="$1" '$1==k":" {print $2}' "/proc/$worker/status"; }
echo "idle after start: RSS $(( $(rss VmRSS) / 1024 )) MiB"
"$java" -jar worker/target/offboarding-worker.jar send "$work/event.json" >/dev/null
peak=0
for _ in $(seq 1 $(( users * 2 / budget * 2 + 120 ))); do
  r=$(rss VmRSS); [ "$r" -gt "$peak" ] && peak=$r
  if curl -fsS "http://127.0.0.1:$http_port/metrics" | grep -q '^offboarding_events_total{.*outcome="\(COMPLETED\|PARTIAL\|FAILED\)".*} [1-9]'; then break; fi
  sleep 0.5
done
echo "users=$users writes/s=$budget: peak RSS sampled $((peak / 1024)) MiB, VmHWM $(( $(rss VmHWM) / 1024 )) MiB, RSS after the event $(( $(rss VmRSS) / 1024 )) MiB"
grep -c . "$work/worker.log" | xargs echo "worker log lines:"

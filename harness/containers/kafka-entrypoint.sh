#!/bin/sh
# Entrypoint of kconform's local Kafka image (localhost/kconform-kafka:VERSION), built by
# `kconform image build` (harness/containers/image-build.ts).
#
# Configuration follows the apache/kafka image's convention, so the container target passes the
# same environment to either image: every KAFKA_<NAME> variable becomes a server property
# (lower case, `_` -> `.`, `__` -> `_`, `___` -> `-`; KAFKA_ADVERTISED_LISTENERS ->
# advertised.listeners), and CLUSTER_ID names the cluster. Without any property variables it
# runs a single combined broker+controller whose client listener is localhost:9092.
#
# Storage is formatted once: a container killed and started again keeps its log directory and
# comes back with its data, as a crashed broker would.
set -eu
# As PID 1 a shell ignores SIGTERM unless it says otherwise; `stop` during the format step
# would otherwise wait out the engine's grace period.
trap 'exit 143' TERM INT

KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
CONFIG_DIR=${KAFKA_CONFIG_DIR:-/opt/kafka/config}
CONFIG=$CONFIG_DIR/server.properties
CLASSPATH="$KAFKA_HOME/lib/*"
# The JVM would size its heap from the host's memory, not the container's share of it.
HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}
LOG_OPTS=${KAFKA_LOG4J_OPTS:-}

mkdir -p "$CONFIG_DIR"

# Variables that configure the JVM or this image, never the broker (as in apache/kafka).
is_jvm_variable() {
  case "$1" in
    KAFKA_VERSION | KAFKA_HOME | KAFKA_CONFIG_DIR | KAFKA_HEAP_OPTS | KAFKA_LOG4J_OPTS | KAFKA_OPTS | \
      KAFKA_JMX_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_GC_LOG_OPTS | KAFKA_LOG4J_ROOT_LOGLEVEL | \
      KAFKA_LOG4J_LOGGERS | KAFKA_TOOLS_LOG4J_LOGLEVEL | KAFKA_JMX_HOSTNAME | KAFKA_LOG_LEVEL) return 0 ;;
  esac
  return 1
}

property_name() {
  printf '%s' "${1#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/\x01/g' -e 's/_/./g' -e 's/\x01/_/g'
}

from_env=$(mktemp)
env | grep '^KAFKA_[A-Z0-9_]*=' | while IFS= read -r line; do
  name=${line%%=*}
  value=${line#*=}
  if ! is_jvm_variable "$name"; then
    printf '%s=%s\n' "$(property_name "$name")" "$value"
  fi
done >"$from_env"

{
  echo "# Written by kconform-entrypoint.sh at container start."
  if [ ! -s "$from_env" ]; then
    cat <<'EOF'
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
advertised.listeners=PLAINTEXT://localhost:9092
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=/var/lib/kafka/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  fi
  cat "$from_env"
} >"$CONFIG"
rm -f "$from_env"

run_class() {
  # shellcheck disable=SC2086 # the *_OPTS variables hold several words on purpose
  java $LOG_OPTS -Dkconform.log.level="${KAFKA_LOG_LEVEL:-WARN}" -cp "$CLASSPATH" "$@"
}

# A restarted container keeps the storage (and data) it formatted before; skipping the format
# tool then saves a JVM start. --ignore-formatted covers a log.dirs list only partly formatted.
log_dirs=$(sed -n 's/^log\.dirs=//p' "$CONFIG" | tail -n 1)
formatted=yes
for dir in $(printf '%s' "${log_dirs:-/tmp/kafka-logs}" | tr ',' ' '); do
  [ -f "$dir/meta.properties" ] || formatted=no
done
if [ "$formatted" = no ]; then
  if [ -z "${CLUSTER_ID:-}" ]; then
    CLUSTER_ID=$(run_class kafka.tools.StorageTool random-uuid)
  fi
  run_class kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$CONFIG" --ignore-formatted >&2
fi

# shellcheck disable=SC2086
exec java $HEAP_OPTS ${KAFKA_OPTS:-} $LOG_OPTS -Dkconform.log.level="${KAFKA_LOG_LEVEL:-INFO}" \
  -cp "$CLASSPATH" kafka.Kafka "$CONFIG"

#!/usr/bin/env bash
# Sets up podman as the Docker-compatible container engine the container target uses (recipe in
# shared/DESIGN.md, "Environment facts"): packages, containers.conf, and the API service on
# /run/podman/podman.sock. Idempotent: on a machine that is already set up it only checks the
# socket answers, which takes well under a second.
#
# Prints, as its last stdout line, the environment the tests need:
#   DOCKER_HOST=unix:///run/podman/podman.sock
# Exit 0 when the socket answers, 1 otherwise (the container tests then skip with a reason).
set -uo pipefail

SOCK=/run/podman/podman.sock
CONF=/etc/containers/containers.conf
SERVICE_LOG=/var/log/kconform-podman-service.log

log() { echo "install-podman: $*" >&2; }

ping_socket() {
  [[ -S "$SOCK" ]] && curl -fsS --max-time 2 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1
}

if [[ $(id -u) -ne 0 ]]; then
  log "needs root (apt-get, /etc/containers, /run/podman); skipping"
  exit 1
fi

missing=()
for tool in podman runc debootstrap curl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]} (apt-get)"
  # debootstrap builds the JRE base image (kconform image build); curl pings the socket.
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap curl) >&2; then
    log "apt-get install failed; the container tests will skip"
    exit 1
  fi
fi

# crun and the default ulimits fail on these machines; runc with explicit, modest limits works.
# cgroupfs because there is no systemd to hand cgroups to.
want_conf='# Written by kconform .ci/install-podman.sh (see shared/DESIGN.md, "Containers").
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
'
if [[ ! -f "$CONF" ]] || [[ "$(cat "$CONF")" != "$(printf '%s' "$want_conf")" ]]; then
  log "writing $CONF"
  mkdir -p "$(dirname "$CONF")"
  if [[ -f "$CONF" ]] && ! grep -q 'kconform' "$CONF"; then cp "$CONF" "$CONF.before-kconform"; fi
  printf '%s' "$want_conf" >"$CONF"
  # A service started with the old settings keeps them; restart it below.
  if pid=$(pgrep -f "podman system service --time=0 unix://$SOCK"); then
    log "restarting the podman service for the new settings"
    kill $pid 2>/dev/null || true
    sleep 1
  fi
fi

# A service started from a directory since deleted (an earlier CI checkout) answers pings but
# fails every container start: conmon inherits its working directory ("Failed to get working
# directory", HTTP 500 "write child: broken pipe"). Such a service is restarted.
if pid=$(pgrep -f "podman system service --time=0 unix://$SOCK") && [[ "$(readlink "/proc/$pid/cwd")" == *"(deleted)" ]]; then
  log "restarting the podman service: the directory it was started in is gone"
  kill $pid 2>/dev/null || true
  sleep 1
fi

if ! ping_socket; then
  mkdir -p "$(dirname "$SOCK")"
  rm -f "$SOCK"
  log "starting podman system service on $SOCK (log: $SERVICE_LOG)"
  # setsid: the service must outlive this script and the CI step that ran it; from / so that
  # removing the checkout it was started from cannot break it.
  setsid nohup sh -c 'cd / && exec podman system service --time=0 "$0"' "unix://$SOCK" >>"$SERVICE_LOG" 2>&1 </dev/null &
  for _ in $(seq 1 100); do
    ping_socket && break
    sleep 0.2
  done
fi

if ! ping_socket; then
  log "the podman API socket $SOCK does not answer; last lines of $SERVICE_LOG:"
  tail -n 20 "$SERVICE_LOG" >&2 2>/dev/null || true
  exit 1
fi
echo "DOCKER_HOST=unix://$SOCK"

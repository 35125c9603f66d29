#!/usr/bin/env bash
# Make a Docker engine available for the container tests: install docker.io and debootstrap
# from Debian when missing, start dockerd in the background when it is not answering, and wait
# until `docker info` works. Safe to run again; prints where the daemon logs go.
set -euo pipefail

log_file="${PROMOTION_ROLLOUT_DOCKERD_LOG:-/tmp/promotion-rollout-dockerd.log}"
wait_seconds="${PROMOTION_ROLLOUT_DOCKERD_WAIT:-90}"

say() { printf '%s\n' "setup-docker: $*" >&2; }

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  else
    sudo -n "$@"
  fi
}

missing=()
command -v dockerd >/dev/null 2>&1 || [[ -x /usr/sbin/dockerd ]] || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || [[ -x /usr/sbin/debootstrap ]] || missing+=(debootstrap)
command -v iptables >/dev/null 2>&1 || [[ -x /usr/sbin/iptables ]] || missing+=(iptables)
if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  say "engine already running"
  exit 0
fi

dockerd_bin="$(command -v dockerd || echo /usr/sbin/dockerd)"
say "starting $dockerd_bin (log: $log_file)"
# The engine outlives this script on purpose: the test run that follows needs it.
as_root bash -c 'nohup "$1" >>"$2" 2>&1 </dev/null &' _ "$dockerd_bin" "$log_file"

for ((i = 0; i < wait_seconds; i++)); do
  if docker info >/dev/null 2>&1; then
    say "engine ready after ${i}s ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown))"
    exit 0
  fi
  sleep 1
done

say "error: dockerd did not answer within ${wait_seconds}s; last log lines:"
tail -n 20 "$log_file" >&2 || true
exit 1

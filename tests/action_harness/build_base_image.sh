#!/usr/bin/env bash
# Stand-in for python:3.12-slim where Docker Hub is out of reach: a minimal Debian bookworm
# root filesystem with python3 + venv + pip, imported as a local image. The tag carries a hash
# of this script, so an unchanged script reuses the image it built before.
# Usage: tests/action_harness/build_base_image.sh  -> prints the image tag on stdout (logs on stderr).
set -euo pipefail

suite="bookworm"
packages="python3,python3-venv,python3-pip,ca-certificates"
ca_bundle="/etc/ssl/certs/ca-certificates.crt"
repo_name="promotion-rollout-test-base"

script_hash="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)"
tag="${repo_name}:${script_hash}"

log() { printf '%s\n' "build_base_image: $*" >&2; }

if docker image inspect "$tag" >/dev/null 2>&1; then
  log "reusing $tag"
  printf '%s\n' "$tag"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || { log "error: debootstrap is not installed"; exit 1; }
[[ -r "$ca_bundle" ]] || { log "error: host CA bundle not readable: $ca_bundle"; exit 1; }

# The mirror is whatever this machine's apt already uses (deb822 first, then one-line format).
mirror="${BASE_IMAGE_MIRROR:-}"
if [[ -z "$mirror" && -r /etc/apt/sources.list.d/debian.sources ]]; then
  mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)"
fi
if [[ -z "$mirror" && -r /etc/apt/sources.list ]]; then
  mirror="$(awk '$1 == "deb" && $2 !~ /^\[/ { print $2; exit }' /etc/apt/sources.list)"
fi
[[ -n "$mirror" ]] || { log "error: no Debian mirror found in the apt sources (set BASE_IMAGE_MIRROR)"; exit 1; }

workdir="$(mktemp -d "${TMPDIR:-/tmp}/promotion-rollout-base.XXXXXX")"
trap 'rm -rf "$workdir"' EXIT
rootfs="$workdir/rootfs"

log "debootstrap $suite from the configured mirror into $rootfs (takes a few minutes)"
debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$workdir/debootstrap.log" 2>&1 || {
  tail -n 30 "$workdir/debootstrap.log" >&2
  log "error: debootstrap failed"
  exit 1
}

# pip inside the image trusts the same roots as this host (its network may re-sign TLS).
cp "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*

log "importing as $tag"
tar -C "$rootfs" --numeric-owner -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt" \
  --change 'CMD ["/bin/bash"]' \
  - "$tag" >/dev/null
docker tag "$tag" "${repo_name}:latest"
printf '%s\n' "$tag"

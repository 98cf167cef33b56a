#!/usr/bin/env bash
# Builds the two base images the Dockerfile needs, for a machine that cannot pull from an image
# registry: a minimal Debian root made with debootstrap (the run stage; it gets the jlink'd Java
# runtime, so it needs no JDK) and the same root with a JDK (the build stage).
#
#   deploy/container/local-base-images.sh [--force]
#
# Prints the two build arguments to pass to `podman build` / `docker build`. Images that exist
# already are kept unless --force is given. Needs root (debootstrap), podman and Debian's mirror.
set -euo pipefail

SUITE=${DEBIAN_SUITE:-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
RUN_BASE=${RUN_BASE:-localhost/rec-llm-gateway-base:$SUITE}
BUILD_BASE=${BUILD_BASE:-localhost/rec-llm-gateway-build-base:$SUITE}
# what works on this kind of machine: runc (crun fails on cgroups and rlimits) and explicit ulimits
PODMAN_FLAGS=(--runtime runc --cgroup-manager=cgroupfs)
force=""
[ "${1:-}" = "--force" ] && force=1

have_image() { [ -z "$force" ] && podman "${PODMAN_FLAGS[@]}" image exists "$1"; }

if ! have_image "$RUN_BASE"; then
  root=$(mktemp -d /var/tmp/rec-llm-rootfs.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap $SUITE (minbase) into $root" >&2
  # ca-certificates: the gateway calls providers over TLS; the jlink'd runtime reads Debian's store
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$root" "$MIRROR" >&2
  # what a runtime image does not need: package lists, docs, man pages, locales
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
  tar -C "$root" -c . | podman "${PODMAN_FLAGS[@]}" import - "$RUN_BASE" >&2
  rm -rf "$root"
  trap - EXIT
fi

if ! have_image "$BUILD_BASE"; then
  ctx=$(mktemp -d)
  printf 'FROM %s\nRUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \\\n    openjdk-17-jdk-headless binutils >/dev/null && rm -rf /var/lib/apt/lists/*\n' \
    "$RUN_BASE" > "$ctx/Containerfile"
  podman "${PODMAN_FLAGS[@]}" build --network host --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
    -t "$BUILD_BASE" "$ctx" >&2
  rm -rf "$ctx"
fi

echo "--build-arg BUILD_IMAGE=$BUILD_BASE --build-arg RUN_IMAGE=$RUN_BASE"

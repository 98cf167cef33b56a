#!/usr/bin/env bash
# Builds the two base images the Dockerfile needs, for a machine that cannot pull from an image
# registry: a minimal Debian root made with debootstrap (the run stage; it gets the jlink'd Java
# runtime, so it needs no JDK) and the same root with a JDK and its trust store (the build stage, which
# downloads Maven and the dependencies over HTTPS).
#
#   deploy/container/local-base-images.sh [--force]
#
# Prints the two build arguments to pass to `podman build` / `docker build`. Images that exist
# already are kept unless --force is given. Needs root (debootstrap), podman and Debian's mirror.
set -euo pipefail

SUITE=${DEBIAN_SUITE:-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# tagged with this script's checksum: a changed recipe makes new images instead of reusing stale ones
recipe=$(sha256sum "$0" | cut -c 1-12)
RUN_BASE=${RUN_BASE:-localhost/rec-llm-gateway-base:$SUITE-$recipe}
BUILD_BASE=${BUILD_BASE:-localhost/rec-llm-gateway-build-base:$SUITE-$recipe}
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
  {
    echo "FROM $RUN_BASE"
    # Certificate authorities this machine trusts besides Debian's (a proxy's, a company's): the build
    # downloads Maven and the dependencies over HTTPS through the same network, and the jlink'd runtime
    # copies this JDK's trust store.
    if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
      cp /usr/local/share/ca-certificates/*.crt "$ctx/"
      echo "COPY *.crt /usr/local/share/ca-certificates/"
      echo "RUN update-ca-certificates >/dev/null"
    fi
    # man1: the JDK's set-up links its man pages there (the run base has none). ca-certificates-java after
    # the JDK, so that Java is ready when it makes the JDK's trust store.
    echo "RUN mkdir -p /usr/share/man/man1 && apt-get update -qq \\"
    echo "    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless >/dev/null \\"
    echo "    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates-java >/dev/null \\"
    echo "    && rm -rf /var/lib/apt/lists/*"
  } > "$ctx/Containerfile"
  podman "${PODMAN_FLAGS[@]}" build --network host --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
    -t "$BUILD_BASE" "$ctx" >&2
  rm -rf "$ctx"
fi

echo "--build-arg BUILD_IMAGE=$BUILD_BASE --build-arg RUN_IMAGE=$RUN_BASE"

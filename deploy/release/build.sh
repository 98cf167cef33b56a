#!/usr/bin/env bash
# Builds the release archives from the gateway's fat jar; `./mvnw -Prelease package` runs it.
#
#   deploy/release/build.sh VERSION FAT_JAR OUT_DIR [JDK_HOME [all|runtime]]
#
# OUT_DIR/rec-llm-gateway-VERSION.tar.gz
#     bin/rec-llm-gateway (the launcher), lib/rec-llm-gateway.jar, lib/cds/ (where the launcher keeps the
#     class-data-sharing archive it makes on the first run), config/gateway.yaml (an example); needs a
#     Java 17+ on the target.
# OUT_DIR/rec-llm-gateway-VERSION-linux-ARCH.tar.gz
#     the same plus runtime/: a Java runtime made by jlink from only the JDK modules the gateway uses
#     (found by jdeps), with the runtime's own class-data-sharing archive; needs no Java on the target.
# No archive of the gateway's classes is shipped: Java 17 uses one only for the jar path it was made
# with, so the launcher makes it where the release is unpacked (train-cds.sh does that ahead of time).
set -euo pipefail

version=$1
fat_jar=$2
out=$3
jdk=${4:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}}
archives=${5:-all} # runtime: only the archive with the runtime (what a container image needs)
here=$(cd "$(dirname "$0")" && pwd -P)
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
fat_jar=$(cd "$(dirname "$fat_jar")" && pwd -P)/$(basename "$fat_jar")
name="rec-llm-gateway-$version"
case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=aarch64 ;; *) arch=$(uname -m) ;; esac

for tool in java jdeps jlink; do
  [ -x "$jdk/bin/$tool" ] || { echo "release: $jdk/bin/$tool not found: the release needs a full JDK 17+" >&2; exit 1; }
done

# Modules jdeps cannot see, because they are reached by reflection or as services:
#   jdk.crypto.ec     elliptic-curve TLS (ECDHE, EC certificates): most providers' HTTPS needs it
#   jdk.management    com.sun.management beans, read reflectively by Micrometer's process metrics
#   jdk.unsupported   sun.misc.Unsafe, which Netty and Caffeine look up reflectively
#   jdk.naming.dns    DNS lookups through JNDI, used by the PostgreSQL driver for some URLs
#   jdk.zipfs         zip file systems, used to read resources from inside the jar
EXTRA_MODULES=jdk.crypto.ec,jdk.management,jdk.unsupported,jdk.naming.dns,jdk.zipfs

stage="$out/$name"
rm -rf "$stage" "$out/$name-linux-$arch" "$out/$name.tar.gz" "$out/$name-linux-$arch.tar.gz"
mkdir -p "$stage/bin" "$stage/lib/cds" "$stage/config"
cp -p "$fat_jar" "$stage/lib/rec-llm-gateway.jar"
sed "s/@VERSION@/$version/" "$here/rec-llm-gateway" > "$stage/bin/rec-llm-gateway"
chmod 755 "$stage/bin/rec-llm-gateway"
cp "$here/gateway.yaml" "$stage/config/gateway.yaml"

# the archive for a JDK on the target
if [ "$archives" = all ]; then
  tar -C "$out" --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
fi

# the archive with its own runtime
modules=$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$stage/lib/rec-llm-gateway.jar")
modules=$(echo "$modules,$EXTRA_MODULES" | tr ',' '\n' | sort -u | paste -sd, -)
echo "release: jlink modules: $modules" >&2
with_runtime="$out/$name-linux-$arch"
cp -a "$stage" "$with_runtime"
# --generate-cds-archive: the runtime's own base archive, which the gateway's archive builds on;
# --strip-java-debug-attributes, not --strip-debug, which needs objcopy from binutils on Linux
"$jdk/bin/jlink" --add-modules "$modules" --strip-java-debug-attributes --no-header-files --no-man-pages \
  --generate-cds-archive --output "$with_runtime/runtime"
# Debian's JDK links its trust store to /etc/ssl/certs/java/cacerts; the runtime carries a copy of the
# JDK's, so that it works where that file does not exist
cp -L "$jdk/lib/security/cacerts" "$with_runtime/runtime/lib/security/cacerts"
tar -C "$out" --owner=0 --group=0 --numeric-owner -czf "$out/$name-linux-$arch.tar.gz" "$name-linux-$arch"
ls -l "$out"/*.tar.gz >&2

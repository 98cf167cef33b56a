# RecLLM Gateway container image.
#   docker build -t rec-llm-gateway .
#   docker run -p 4000:4000 -v gateway-data:/data -e OPENAI_API_KEY rec-llm-gateway
# Base images are arguments so that they can be swapped (a mirror, a hardened base, locally built ones):
# the build stage needs a JDK 17+ with jlink and its jmods, and bash; the run stage needs glibc and bash
# (the health check), and gets its Java runtime from the build stage, made by jlink.
ARG BUILD_IMAGE=eclipse-temurin:17-jdk
ARG RUN_IMAGE=debian:bookworm-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
# every module's pom (the reactor reads them all), the sources of the two the server is built from
COPY core/pom.xml core/pom.xml
COPY core/src/main core/src/main
COPY server/pom.xml server/pom.xml
COPY server/src/main server/src/main
COPY spring-boot-starter/pom.xml spring-boot-starter/pom.xml
COPY examples/spring-boot/pom.xml examples/spring-boot/pom.xml
COPY deploy/release deploy/release
# Maven's downloads are kept in a build cache between builds; -Drelease.archives=runtime: only the
# archive with the jlink'd runtime is built
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -Prelease -Drelease.archives=runtime -DskipTests -pl server -am package \
    && mkdir /app && tar -xzf server/target/release/rec-llm-gateway-*-linux-*.tar.gz -C /app --strip-components=1
# the class-data-sharing archive (about 40% off the start-up) is made at the path the gateway runs from
RUN deploy/release/train-cds.sh /app

FROM ${RUN_IMAGE}
ARG UID=10001
RUN groupadd --system --gid "$UID" gateway \
    && useradd --system --uid "$UID" --gid gateway --home-dir /data --shell /usr/sbin/nologin gateway \
    && mkdir -p /data && chown gateway:gateway /data
COPY --from=build /app /app
COPY deploy/container/healthcheck /app/bin/healthcheck
# Config: the example file in the image (mount your own over /app/config/gateway.yaml, or elsewhere and
# point REC_LLM_GATEWAY_CONFIG at it) and the environment, which overrides the file (README, "Configuration").
# JAVA_OPTS replaces the launcher's JVM flags (-Xms128m -Xmx512m).
ENV REC_LLM_GATEWAY_CONFIG=/app/config/gateway.yaml \
    REC_LLM_GATEWAY_HOST=0.0.0.0 \
    REC_LLM_GATEWAY_USAGE_STORE=sqlite:/data/usage.db
VOLUME /data
WORKDIR /data
EXPOSE 4000
USER gateway
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["/app/bin/healthcheck"]
# SIGTERM starts the graceful stop: calls in flight get shutdown.grace_ms (30 s by default) to finish, then
# usage is written to /data and the process exits. Give `docker stop -t` / the orchestrator more than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/bin/rec-llm-gateway"]
CMD ["serve"]

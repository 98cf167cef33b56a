package io.recllm.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files under {@code deploy/} and the {@code Dockerfile} against the gateway itself: they
 * parse, every environment variable they set is one the gateway or its launcher reads (found in the
 * sources, not listed here), every {@code ${VAR}} their config needs is provided, the config they mount
 * loads through the gateway's own loader, and its port is the one every port, probe and scrape target
 * names. The Grafana dashboard's metrics are checked against a running gateway's {@code /metrics}.
 */
class DeploymentFilesTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Path ROOT = projectRoot();
  private static final Path DEPLOY = ROOT.resolve("deploy");
  /** A variable reference in a config file or script, with or without a default. */
  private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");

  @TempDir
  Path tmp;

  // ---------------------------------------------------------------------------------------------------
  // Dockerfile

  @Test
  void theImageExposesTheConfiguredPortRunsAsNonRootAndKeepsUsageOnTheDataVolume() throws IOException {
    Dockerfile docker = Dockerfile.read(ROOT.resolve("Dockerfile"));
    assertThat(known()).containsAll(docker.env.keySet());
    GatewayConfig cfg = load(DEPLOY.resolve("release/gateway.yaml"), docker.env);
    assertThat(docker.expose).containsExactly(String.valueOf(cfg.port()));
    assertThat(cfg.host()).isEqualTo("0.0.0.0");
    assertThat(storeDir(cfg)).isEqualTo(docker.volumes.get(0));
    assertThat(docker.user).isNotIn("root", "0");
    // base images are build arguments, so that they can be swapped for local or mirrored ones
    assertThat(docker.froms).allSatisfy(from -> assertThat(from).startsWith("${"));
    assertThat(docker.args).containsKeys("BUILD_IMAGE", "RUN_IMAGE");
    assertThat(docker.healthcheck).contains("/app/bin/healthcheck");
    assertThat(docker.text).contains("COPY deploy/container/healthcheck /app/bin/healthcheck");
    // the config the image points at is the example config the release ships
    assertThat(docker.env.get("REC_LLM_GATEWAY_CONFIG")).isEqualTo("/app/config/gateway.yaml");
  }

  // ---------------------------------------------------------------------------------------------------
  // compose

  @Test
  void composeGivesTheGatewayKnownVariablesItsConfigAndServicesThatExist() throws IOException {
    JsonNode compose = YAML.readTree(DEPLOY.resolve("compose.yaml").toFile());
    JsonNode services = compose.path("services");
    assertThat(services.fieldNames()).toIterable().contains("gateway", "postgres", "redis", "prometheus", "grafana");
    JsonNode gateway = services.path("gateway");
    Map<String, String> env = new LinkedHashMap<>(Dockerfile.read(ROOT.resolve("Dockerfile")).env);
    gateway.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), composeValue(e.getValue().asText())));
    assertThat(known()).containsAll(fieldNames(gateway.path("environment")));

    Path config = mountedFile(gateway, env.get("REC_LLM_GATEWAY_CONFIG"));
    assertThat(env.keySet()).containsAll(requiredVariables(config));
    GatewayConfig cfg = load(config, env);
    assertThat(cfg.host()).isEqualTo("0.0.0.0");
    assertThat(containerPorts(gateway)).containsExactly(cfg.port());
    assertThat(gateway.path("build").path("context").asText()).isEqualTo("..");
    assertThat(DEPLOY.resolve(gateway.path("build").path("context").asText()).resolve("Dockerfile")).exists();

    // the usage store and the cache point at the compose services, on their default ports
    URI store = URI.create(cfg.usageStore());
    assertThat(store.getScheme()).isEqualTo("postgresql");
    assertThat(services.has(store.getHost())).as("store host %s is a service", store.getHost()).isTrue();
    assertThat(store.getPort()).isEqualTo(5432);
    JsonNode postgres = services.path(store.getHost()).path("environment");
    assertThat(store.getUserInfo()).isEqualTo(postgres.path("POSTGRES_USER").asText() + ":" + postgres.path("POSTGRES_PASSWORD").asText());
    assertThat(store.getPath()).isEqualTo("/" + postgres.path("POSTGRES_DB").asText());
    URI redis = URI.create(YAML.readTree(config.toFile()).path("cache").path("redis").asText());
    assertThat(services.has(redis.getHost())).isTrue();
    assertThat(redis.getPort()).isEqualTo(6379);
    // more time to stop than the gateway's grace period, so that calls finish and usage is written
    assertThat(seconds(gateway.path("stop_grace_period").asText()) * 1000).isGreaterThan(cfg.shutdownGraceMs());

    // every file the stack mounts is in the repository
    services.forEach(s -> s.path("volumes").forEach(v -> {
      String source = v.asText().split(":")[0];
      if (source.startsWith(".")) assertThat(DEPLOY.resolve(source)).as(v.asText()).exists();
    }));
  }

  @Test
  void prometheusScrapesTheGatewaysMetricsEndpointOnItsPort() throws Exception {
    JsonNode compose = YAML.readTree(DEPLOY.resolve("compose.yaml").toFile());
    JsonNode prometheus = YAML.readTree(DEPLOY.resolve("compose/prometheus.yml").toFile());
    JsonNode job = prometheus.path("scrape_configs").get(0);
    assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
    String target = job.path("static_configs").get(0).path("targets").get(0).asText();
    JsonNode gateway = compose.path("services").path("gateway");
    Map<String, String> env = new LinkedHashMap<>(Dockerfile.read(ROOT.resolve("Dockerfile")).env);
    gateway.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), composeValue(e.getValue().asText())));
    GatewayConfig cfg = load(mountedFile(gateway, env.get("REC_LLM_GATEWAY_CONFIG")), env);
    assertThat(target).isEqualTo("gateway:" + cfg.port());
    assertThat(mountTargets(compose.path("services").path("prometheus"))).contains("/etc/prometheus/prometheus.yml");
    JsonNode datasource = YAML.readTree(DEPLOY.resolve("compose/grafana/provisioning/datasources/prometheus.yaml").toFile())
        .path("datasources").get(0);
    assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
    assertThat(compose.path("services").path("prometheus").path("ports").get(0).asText()).endsWith(":9090");
    JsonNode dashboards = YAML.readTree(DEPLOY.resolve("compose/grafana/provisioning/dashboards/rec-llm-gateway.yaml").toFile());
    assertThat(mountTargets(compose.path("services").path("grafana")))
        .contains(dashboards.path("providers").get(0).path("options").path("path").asText());
    // every panel reads the provisioned data source
    JsonNode dashboard = Json.MAPPER.readTree(DEPLOY.resolve("compose/grafana/dashboards/rec-llm-gateway.json").toFile());
    dashboard.path("panels").forEach(p -> assertThat(p.path("datasource").path("uid").asText()).isEqualTo(datasource.path("uid").asText()));
  }

  @Test
  void promtoolAcceptsThePrometheusConfig() throws Exception {
    Path promtool = Stream.of(System.getenv("PATH").split(":")).map(d -> Path.of(d, "promtool"))
        .filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(promtool != null, "promtool is not installed (Debian: apt-get install prometheus)");
    Process p = new ProcessBuilder(promtool.toString(), "check", "config", DEPLOY.resolve("compose/prometheus.yml").toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).as(out).isZero();
  }

  /** The metric names the dashboard queries are the ones a gateway with the deployed config publishes. */
  @Test
  void everyMetricTheDashboardQueriesIsInTheGatewaysMetricsOutput() throws Exception {
    Map<String, String> env = Map.of("REC_LLM_GATEWAY_KEY", "sk-FAKEtestOnly-dashboard-0000", "REC_LLM_GATEWAY_USAGE_STORE", "memory");
    Path config = tmp.resolve("gateway.yaml");
    Files.writeString(config, configMapFile());
    try (GatewayHarness gw = GatewayHarness.start(Files.readString(config), env)) {
      String auth = "Bearer sk-FAKEtestOnly-dashboard-0000";
      assertThat(gw.post("/v1/chat/completions", "{\"model\":\"mock:echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
          "authorization", auth).statusCode()).isEqualTo(200);
      assertThat(gw.post("/v1/chat/completions", "{\"model\":\"mock:echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
          "authorization", auth).statusCode()).isEqualTo(200);
      assertThat(gw.post("/v1/chat/completions", "{\"model\":\"mock:error-429\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
          "authorization", auth).statusCode()).isEqualTo(429);
      gw.awaitRecords(3);
      String metrics = gw.get("/metrics").body();
      Set<String> queried = new TreeSet<>();
      Matcher m = Pattern.compile("\\b((?:rec_llm_gateway|jvm|process)_[a-z0-9_]+)\\b").matcher(
          Files.readString(DEPLOY.resolve("compose/grafana/dashboards/rec-llm-gateway.json")));
      while (m.find()) queried.add(m.group(1));
      assertThat(queried).contains("rec_llm_gateway_requests_total", "rec_llm_gateway_tokens_total", "rec_llm_gateway_cost_usd_total",
          "rec_llm_gateway_request_duration_seconds_bucket", "rec_llm_gateway_errors_total",
          "rec_llm_gateway_time_to_first_token_seconds_bucket", "rec_llm_gateway_circuit_state");
      for (String name : queried) {
        assertThat(Pattern.compile("(?m)^" + name + "[{ ]").matcher(metrics).find()).as("%s in /metrics", name).isTrue();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Kubernetes

  @Test
  void kubernetesManifestsAgreeWithTheConfigTheyMount() throws IOException {
    Map<String, JsonNode> byKind = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
          for (JsonNode doc : docs.readAll()) {
            if (doc.has("kind")) byKind.put(doc.path("kind").asText(), doc);
          }
        }
      }
    }
    assertThat(byKind).containsKeys("Deployment", "Service", "ConfigMap", "Secret", "HorizontalPodAutoscaler", "Kustomization");
    JsonNode deployment = byKind.get("Deployment");
    String name = deployment.path("metadata").path("name").asText();
    JsonNode pod = deployment.path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);

    Map<String, String> env = new LinkedHashMap<>(Dockerfile.read(ROOT.resolve("Dockerfile")).env);
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    JsonNode secret = byKind.get("Secret");
    assertThat(container.path("envFrom").get(0).path("secretRef").path("name").asText())
        .isEqualTo(secret.path("metadata").path("name").asText());
    secret.path("stringData").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    assertThat(known()).containsAll(fieldNames(secret.path("stringData")));
    List<String> containerEnv = new ArrayList<>();
    container.path("env").forEach(e -> containerEnv.add(e.path("name").asText()));
    assertThat(known()).containsAll(containerEnv);

    // the config file: where REC_LLM_GATEWAY_CONFIG points is a mounted key of the ConfigMap
    Path configPath = Path.of(env.get("REC_LLM_GATEWAY_CONFIG"));
    JsonNode mount = find(container.path("volumeMounts"), "mountPath", configPath.getParent().toString());
    JsonNode volume = find(pod.path("volumes"), "name", mount.path("name").asText());
    JsonNode configMap = byKind.get("ConfigMap");
    assertThat(volume.path("configMap").path("name").asText()).isEqualTo(configMap.path("metadata").path("name").asText());
    String yaml = configMap.path("data").path(configPath.getFileName().toString()).asText(null);
    assertThat(yaml).as("ConfigMap key %s", configPath.getFileName()).isNotNull();
    Path config = tmp.resolve("configmap-gateway.yaml");
    Files.writeString(config, yaml);
    assertThat(env.keySet()).containsAll(requiredVariables(config));
    GatewayConfig cfg = load(config, env);
    assertThat(cfg.host()).isEqualTo("0.0.0.0");

    // one port everywhere: the container's, the probes', the Service's target, the scrape annotation
    JsonNode port = container.path("ports").get(0);
    assertThat(port.path("containerPort").asInt()).isEqualTo(cfg.port());
    String portName = port.path("name").asText();
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      assertThat(container.path(probe).path("httpGet").path("port").asText()).as(probe).isIn(portName, String.valueOf(cfg.port()));
    }
    JsonNode service = byKind.get("Service");
    assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isIn(portName, String.valueOf(cfg.port()));
    assertThat(service.path("spec").path("selector")).isEqualTo(deployment.path("spec").path("template").path("metadata").path("labels"));
    JsonNode annotations = deployment.path("spec").path("template").path("metadata").path("annotations");
    assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(cfg.port()));
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");

    // resources, the non-root user of the image, and time to stop gracefully
    assertThat(container.path("resources").path("requests").has("cpu")).isTrue(); // the HPA's utilisation needs it
    assertThat(container.path("resources").path("requests").has("memory")).isTrue();
    assertThat(container.path("resources").path("limits").has("memory")).isTrue();
    assertThat(pod.path("securityContext").path("runAsUser").asText())
        .isEqualTo(Dockerfile.read(ROOT.resolve("Dockerfile")).args.get("UID"));
    assertThat(pod.path("terminationGracePeriodSeconds").asLong() * 1000).isGreaterThan(cfg.shutdownGraceMs() + 5000);
    // the SQLite fallback (one replica, no PostgreSQL URL in the Secret) writes to a volume
    GatewayConfig withoutPostgres = load(config, withoutKey(env, "REC_LLM_GATEWAY_USAGE_STORE"));
    find(container.path("volumeMounts"), "mountPath", storeDir(withoutPostgres));

    JsonNode hpa = byKind.get("HorizontalPodAutoscaler");
    assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo(name);
    assertThat(hpa.path("spec").path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
    assertThat(hpa.path("spec").path("metrics").get(0).path("resource").path("name").asText()).isEqualTo("cpu");
    JsonNode kustomization = byKind.get("Kustomization");
    kustomization.path("resources").forEach(r -> assertThat(DEPLOY.resolve("k8s").resolve(r.asText())).exists());
  }

  // ---------------------------------------------------------------------------------------------------
  // Fly.io and systemd

  @Test
  void flyRunsTheImageWithItsDataOnTheVolumeAndTheConfiguredPort() throws IOException {
    Map<String, Map<String, String>> fly = Toml.read(DEPLOY.resolve("fly.toml"));
    Map<String, String> env = new LinkedHashMap<>(Dockerfile.read(ROOT.resolve("Dockerfile")).env);
    env.putAll(fly.get("env"));
    assertThat(known()).containsAll(fly.get("env").keySet());
    Matcher secrets = Pattern.compile("(?m)^# secrets: (.+)$").matcher(Files.readString(DEPLOY.resolve("fly.toml")));
    assertThat(secrets.find()).isTrue();
    List<String> secretNames = List.of(secrets.group(1).trim().split("\\s+"));
    assertThat(known()).containsAll(secretNames);
    secretNames.forEach(s -> env.put(s, "sk-FAKEtestOnly-fly-0000"));
    GatewayConfig cfg = load(DEPLOY.resolve("release/gateway.yaml"), env); // the image's own config
    assertThat(fly.get("http_service").get("internal_port")).isEqualTo(String.valueOf(cfg.port()));
    assertThat(fly.get("metrics").get("port")).isEqualTo(String.valueOf(cfg.port()));
    assertThat(fly.get("metrics").get("path")).isEqualTo("/metrics");
    assertThat(fly.get("http_service.checks").get("path")).isIn("/ready", "/health");
    assertThat(fly.get("mounts").get("destination")).isEqualTo(storeDir(cfg));
    assertThat(Long.parseLong(fly.get("").get("kill_timeout")) * 1000).isGreaterThan(cfg.shutdownGraceMs());
    assertThat(DEPLOY.resolve(fly.get("build").get("dockerfile"))).exists();
  }

  @Test
  void theSystemdUnitStartsTheReleaseLauncherWithKnownVariables() throws IOException {
    String unit = Files.readString(DEPLOY.resolve("systemd/rec-llm-gateway.service"));
    Map<String, String> env = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^Environment=([A-Z_0-9]+)=(.*)$").matcher(unit);
    while (m.find()) env.put(m.group(1), m.group(2));
    assertThat(known()).containsAll(env.keySet());
    assertThat(unit).containsPattern("(?m)^ExecStart=/opt/rec-llm-gateway/bin/rec-llm-gateway serve$");
    GatewayConfig cfg = load(DEPLOY.resolve("release/gateway.yaml"), env);
    Matcher state = Pattern.compile("(?m)^StateDirectory=(.+)$").matcher(unit);
    assertThat(state.find()).isTrue();
    assertThat(storeDir(cfg)).isEqualTo("/var/lib/" + state.group(1));
    Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
    assertThat(stop.find()).isTrue();
    assertThat(Long.parseLong(stop.group(1)) * 1000).isGreaterThan(cfg.shutdownGraceMs());
    assertThat(unit).contains("SuccessExitStatus=143"); // how the JVM exits on SIGTERM
  }

  // ---------------------------------------------------------------------------------------------------
  // helpers

  /**
   * The environment variables the gateway and its launcher read: string literals that look like one and
   * {@code ${VAR}} references in the main sources (the config's built-in defaults are among them), and the
   * variables the launcher script uses.
   */
  static Set<String> known() throws IOException {
    Set<String> names = new TreeSet<>();
    Pattern literal = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"");
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/")
          && !f.startsWith(ROOT.resolve("bench"))).toList()) {
        String text = Files.readString(f);
        for (Matcher m = literal.matcher(text); m.find(); ) names.add(m.group(1));
        for (Matcher m = REF.matcher(text); m.find(); ) names.add(m.group(1));
      }
    }
    String launcher = Files.readString(DEPLOY.resolve("release/rec-llm-gateway"));
    for (Matcher m = Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)").matcher(launcher); m.find(); ) names.add(m.group(1));
    assertThat(names).as("variables found in the sources").contains("REC_LLM_GATEWAY_CONFIG", "REC_LLM_GATEWAY_USAGE_STORE",
        "OPENAI_API_KEY", "JAVA_OPTS");
    return names;
  }

  /** The variables a config file references without a default: the deployment must set them. */
  static Set<String> requiredVariables(Path config) throws IOException {
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(config)) {
      String code = line.replaceAll("\\s#.*$", "");
      for (Matcher m = REF.matcher(code); m.find(); ) if (m.group(2) == null) names.add(m.group(1));
    }
    return names;
  }

  static GatewayConfig load(Path config, Map<String, String> env) {
    GatewayConfig cfg = ConfigLoader.load(config, env);
    String file = env.get(ConfigLoader.CONFIG_ENV);
    assertThat(file).as("REC_LLM_GATEWAY_CONFIG").isNotBlank();
    return cfg;
  }

  /** The folder a {@code sqlite:} store writes to. */
  static String storeDir(GatewayConfig cfg) {
    assertThat(cfg.usageStore()).startsWith("sqlite:/");
    return Path.of(cfg.usageStore().substring("sqlite:".length())).getParent().toString();
  }

  /** The repository file a compose service mounts at {@code target}. */
  static Path mountedFile(JsonNode service, String target) {
    for (JsonNode v : service.path("volumes")) {
      String[] parts = v.asText().split(":");
      if (parts.length >= 2 && parts[1].equals(target)) return DEPLOY.resolve(parts[0]).normalize();
    }
    throw new AssertionError("nothing is mounted at " + target + " in " + service);
  }

  static List<String> mountTargets(JsonNode service) {
    List<String> targets = new ArrayList<>();
    service.path("volumes").forEach(v -> targets.add(v.asText().split(":")[1]));
    return targets;
  }

  static List<Integer> containerPorts(JsonNode service) {
    List<Integer> ports = new ArrayList<>();
    service.path("ports").forEach(p -> {
      String[] parts = p.asText().split(":");
      ports.add(Integer.parseInt(parts[parts.length - 1].replace("/tcp", "")));
    });
    return ports;
  }

  /** Compose's own interpolation of the host's environment: unset here, so the default (or empty). */
  static String composeValue(String value) {
    Matcher m = REF.matcher(value);
    return m.replaceAll(r -> r.group(2) == null ? "" : Matcher.quoteReplacement(r.group(2).substring(2)));
  }

  static long seconds(String duration) {
    assertThat(duration).matches("\\d+s");
    return Long.parseLong(duration.substring(0, duration.length() - 1));
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) if (value.equals(n.path(field).asText())) return n;
    throw new AssertionError("no entry with " + field + " = " + value + " in " + array);
  }

  static Map<String, String> withoutKey(Map<String, String> env, String key) {
    Map<String, String> copy = new LinkedHashMap<>(env);
    copy.remove(key);
    return copy;
  }

  static String configMapFile() throws IOException {
    JsonNode configMap = YAML.readTree(DEPLOY.resolve("k8s/configmap.yaml").toFile());
    return configMap.path("data").path("gateway.yaml").asText();
  }

  /** The folder holding {@code deploy/}: the working directory or one above it (a module's). */
  static Path projectRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("deploy/compose.yaml"))) return p;
    }
    throw new IllegalStateException("deploy/compose.yaml not found above " + Path.of("").toAbsolutePath());
  }

  /** What the tests read from the Dockerfile: ENV (continued lines too), ARG, EXPOSE, VOLUME, USER, FROM, HEALTHCHECK. */
  record Dockerfile(String text, Map<String, String> env, Map<String, String> args, List<String> expose,
                    List<String> volumes, String user, List<String> froms, String healthcheck) {
    static Dockerfile read(Path file) throws IOException {
      String text = Files.readString(file);
      String joined = text.replaceAll("\\\\\\n\\s*", " ");
      Map<String, String> env = new LinkedHashMap<>();
      Map<String, String> args = new LinkedHashMap<>();
      List<String> expose = new ArrayList<>();
      List<String> volumes = new ArrayList<>();
      List<String> froms = new ArrayList<>();
      String user = null;
      String health = null;
      for (String line : joined.split("\n")) {
        String l = line.strip();
        if (l.startsWith("#") || l.isEmpty()) continue;
        String[] words = l.split("\\s+", 2);
        String rest = words.length > 1 ? words[1] : "";
        switch (words[0]) {
          case "ENV" -> {
            for (Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher(rest); m.find(); ) {
              env.put(m.group(1), m.group(2).replace("\"", ""));
            }
          }
          case "ARG" -> {
            String[] kv = rest.split("=", 2);
            args.put(kv[0], kv.length > 1 ? kv[1] : "");
          }
          case "EXPOSE" -> expose.addAll(List.of(rest.split("\\s+")));
          case "VOLUME" -> volumes.addAll(List.of(rest.replaceAll("[\\[\\]\",]", " ").trim().split("\\s+")));
          case "USER" -> user = rest;
          case "FROM" -> froms.add(rest.split("\\s+")[0]);
          case "HEALTHCHECK" -> health = rest;
          default -> { }
        }
      }
      return new Dockerfile(text, env, args, expose, volumes, user, froms, health);
    }
  }

  /** The part of TOML fly.toml uses: {@code [table]}, {@code [[array.of.tables]]} (its last entry), {@code key = value}. */
  static final class Toml {
    static Map<String, Map<String, String>> read(Path file) throws IOException {
      Map<String, Map<String, String>> tables = new LinkedHashMap<>();
      String table = "";
      tables.put(table, new LinkedHashMap<>());
      for (String line : Files.readAllLines(file)) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) continue;
        if (l.startsWith("[")) {
          table = l.replaceAll("[\\[\\]]", "").strip();
          tables.put(table, new LinkedHashMap<>());
          continue;
        }
        String[] kv = l.split("=", 2);
        assertThat(kv).as("TOML line: %s", l).hasSize(2);
        String value = kv[1].strip();
        if (value.startsWith("\"")) {
          assertThat(value).as("TOML string: %s", l).endsWith("\"");
          value = value.substring(1, value.length() - 1);
        }
        tables.get(table).put(kv[0].strip(), value);
      }
      return tables;
    }
  }
}

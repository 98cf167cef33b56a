package io.recllm.gateway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.StoreLocation;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.keys.KeySpec;
import io.recllm.gateway.keys.KeyStore;
import io.recllm.gateway.keys.Keys;
import io.recllm.gateway.keys.VirtualKey;
import io.recllm.gateway.usage.Usage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keys create|list|revoke|rotate}: the admin API's key operations, straight against the configured
 * usage store (running gateways see a change within seconds). Answers JSON on stdout; a new or rotated
 * key's secret is printed once.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage virtual keys in the configured store.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class, KeysCommand.Rotate.class})
final class KeysCommand implements Callable<Integer> {

  @Option(names = {"-c", "--config"}, description = "YAML config file (default: $REC_LLM_GATEWAY_CONFIG, else built-in defaults)",
      scope = picocli.CommandLine.ScopeType.INHERIT)
  Path config;

  @Override
  public Integer call() {
    System.err.println("Give a subcommand: create, list, revoke or rotate (see --help)");
    return 2;
  }

  /** Runs {@code op} on the keys of the configured store; the schema is brought up to date first. */
  int withKeys(KeysOp op) {
    Map<String, String> env = System.getenv();
    GatewayConfig cfg;
    try {
      Path file = config;
      String fromEnv = env.get(ConfigLoader.CONFIG_ENV);
      if (file == null && fromEnv != null && !fromEnv.isBlank()) file = Path.of(fromEnv);
      cfg = file != null ? ConfigLoader.load(file, env) : ConfigLoader.fromEnvironment(env);
    } catch (ConfigException e) {
      System.err.println("Invalid configuration: " + e.getMessage());
      return 2;
    }
    StoreLocation location = StoreLocation.parse(cfg.usage().store());
    if (location.kind() == StoreLocation.Kind.MEMORY) {
      System.err.println("usage.store is \"memory\": keys would not outlive this command; configure a SQLite or PostgreSQL store");
      return 2;
    }
    // stdout is the command's JSON answer: the store's start-up lines would only be in its way
    ch.qos.logback.classic.Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger l ? l : null;
    ch.qos.logback.classic.Level before = root == null ? null : root.getLevel();
    if (root != null) root.setLevel(ch.qos.logback.classic.Level.WARN);
    try {
      Usage.open(cfg.usage()).close(); // runs the migrations that create the keys' table
      try (Keys keys = Keys.once(KeyStore.open(location))) {
        System.out.println(op.run(keys).toPrettyString());
        return 0;
      }
    } catch (GatewayException e) {
      System.err.println(e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      System.err.println("Could not change the keys: " + e.getMessage());
      return 1;
    } finally {
      if (root != null) root.setLevel(before);
    }
  }

  interface KeysOp {
    com.fasterxml.jackson.databind.JsonNode run(Keys keys);
  }


  private static RuntimeException invalid(String field, String problem) {
    return new GatewayException.InvalidRequest("invalid_value", field, problem);
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; prints it with its secret, once.")
  static final class Create implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand KeysCommand parent;
    @Option(names = "--name", required = true) String name;
    @Option(names = "--models", split = ",", description = "Model names or globs, e.g. gpt-4o*,anthropic:* (default: all)")
    List<String> models;
    @Option(names = "--rpm") Long rpm;
    @Option(names = "--tpm") Long tpm;
    @Option(names = "--max-parallel") Long maxParallel;
    @Option(names = "--budget-usd") BigDecimal budgetUsd;
    @Option(names = "--budget-period", description = "daily, monthly or total") String budgetPeriod;
    @Option(names = "--expires-at", description = "ISO 8601 instant, e.g. 2027-01-31T00:00:00Z") String expiresAt;

    @Override
    public Integer call() {
      ObjectNode spec = Json.object();
      spec.put("name", name);
      if (models != null) spec.putPOJO("models", models);
      if (rpm != null) spec.put("rpm", rpm);
      if (tpm != null) spec.put("tpm", tpm);
      if (maxParallel != null) spec.put("max_parallel", maxParallel);
      if (budgetUsd != null) spec.put("budget_usd", budgetUsd);
      if (budgetPeriod != null) spec.put("budget_period", budgetPeriod);
      if (expiresAt != null) spec.put("expires_at", expiresAt);
      return parent.withKeys(keys -> keys.create(Json.MAPPER.valueToTree(spec), KeysCommand::invalid).toJson());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys (never their secrets).")
  static final class ListKeys implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand KeysCommand parent;

    @Override
    public Integer call() {
      return parent.withKeys(keys -> {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (VirtualKey k : keys.all()) list.add(KeySpec.toJson(k, System.currentTimeMillis()));
        return list;
      });
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key; its row stays for the usage history.")
  static final class Revoke implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand KeysCommand parent;
    @Parameters(index = "0", description = "the key's id") String id;

    @Override
    public Integer call() {
      return parent.withKeys(keys -> KeySpec.toJson(keys.revoke(id), System.currentTimeMillis()));
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Give a key a new secret; the old one stops working.")
  static final class Rotate implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand KeysCommand parent;
    @Parameters(index = "0", description = "the key's id") String id;

    @Override
    public Integer call() {
      return parent.withKeys(keys -> keys.rotate(id).toJson());
    }
  }
}

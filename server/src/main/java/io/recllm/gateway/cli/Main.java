package io.recllm.gateway.cli;

import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line: {@code serve} (the default), {@code keys}, {@code --version}, {@code --help}. */
@Command(name = "rec-llm-gateway", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "OpenAI-compatible LLM gateway.", subcommands = {Main.Serve.class, KeysCommand.class})
public final class Main implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    return new Serve().call(); // no subcommand: serve with defaults
  }

  private static volatile Thread loggingSetUp;

  static void awaitLogging() throws InterruptedException {
    Thread t = loggingSetUp;
    if (t != null) t.join();
  }

  public static void main(String[] args) {
    // Setting up logging takes a tenth of the start-up, and reading the command line and the configuration
    // logs nothing: the two run side by side, and the start of the gateway waits for logging to be ready
    // (a logger taken while SLF4J is still initialising would only be a stand-in).
    loggingSetUp = new Thread(LoggerFactory::getILoggerFactory, "logging-set-up");
    loggingSetUp.setDaemon(true);
    loggingSetUp.start();
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
      description = "Start the gateway and serve until stopped (Ctrl-C / SIGTERM).")
  static final class Serve implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "YAML config file (default: $REC_LLM_GATEWAY_CONFIG, else built-in defaults)")
    Path config;

    @Option(names = {"-p", "--port"}, description = "Port to listen on (overrides the config)")
    Integer port;

    @Option(names = "--host", description = "Address to bind (overrides the config)")
    String host;

    @Override
    public Integer call() throws Exception {
      Map<String, String> env = System.getenv();
      GatewayConfig cfg;
      try {
        Path file = config;
        if (file == null && env.get(ConfigLoader.CONFIG_ENV) != null && !env.get(ConfigLoader.CONFIG_ENV).isBlank()) {
          file = Path.of(env.get(ConfigLoader.CONFIG_ENV));
        }
        cfg = file != null ? ConfigLoader.load(file, env) : ConfigLoader.fromEnvironment(env);
      } catch (ConfigException e) {
        System.err.println("Invalid configuration: " + e.getMessage());
        return 2;
      }
      if (port != null) cfg = cfg.withPort(port);
      if (host != null) cfg = cfg.withHost(host);
      awaitLogging();
      long t0 = System.nanoTime();
      RecLlmGateway gateway;
      try {
        gateway = RecLlmGateway.start(cfg);
      } catch (IllegalStateException e) {
        System.err.println(e.getMessage());
        return 1;
      }
      Logger log = LoggerFactory.getLogger("io.recllm.gateway");
      log.info("RecLLM Gateway {} listening on http://{}:{} (providers: {}; default: {}; auth: {}; transport: {}) in {} ms",
          RecLlmGateway.version(), cfg.host(), gateway.port(), String.join(", ", cfg.providers().keySet()), cfg.defaultProvider(),
          cfg.authEnabled() ? "on" : "off", gateway.vertx().isNativeTransportEnabled() ? "native" : "nio",
          (System.nanoTime() - t0) / 1_000_000);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        log.info("Shutting down");
        gateway.close();
        stopped.countDown();
      }, "gateway-shutdown"));
      stopped.await();
      return 0;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"rec-llm-gateway " + RecLlmGateway.version()};
    }
  }
}

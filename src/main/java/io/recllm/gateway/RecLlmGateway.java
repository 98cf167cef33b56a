package io.recllm.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.http.ClientConnections;
import io.recllm.gateway.http.GatewayRouter;
import io.recllm.gateway.http.GatewayServices;
import io.recllm.gateway.http.GatewayVerticle;
import io.recllm.gateway.http.ListenAddress;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.provider.TokenCounter;
import io.recllm.gateway.routing.ModelParser;
import io.recllm.gateway.routing.ProviderRegistry;
import io.recllm.gateway.usage.Usage;
import io.recllm.gateway.telemetry.GatewayTelemetry;
import io.recllm.gateway.telemetry.Telemetry;
import io.recllm.gateway.telemetry.TelemetryListener;
import io.recllm.gateway.usage.UsageSink;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gateway in process: {@code RecLlmGateway.start(config)} starts it and returns once it listens;
 * {@link #close()} stops it. Standalone ({@code java -jar}) and embedded use are the same code.
 *
 * <pre>{@code
 * try (RecLlmGateway gw = RecLlmGateway.start(GatewayConfig.defaults().withPort(0))) {
 *   int port = gw.port();
 * }
 * }</pre>
 */
public final class RecLlmGateway implements AutoCloseable {

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final GatewayServices services;
  private final ProviderRegistry registry;
  private final String deploymentId;
  private final int port;

  private RecLlmGateway(Vertx vertx, boolean ownsVertx, GatewayServices services, ProviderRegistry registry,
                        String deploymentId, int port) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.services = services;
    this.registry = registry;
    this.deploymentId = deploymentId;
    this.port = port;
  }

  /** Starts with the gateway's own providers, blocking until the port is bound. */
  public static RecLlmGateway start(GatewayConfig config) {
    return builder(config).start();
  }

  public static Builder builder(GatewayConfig config) {
    return new Builder(config);
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return port;
  }

  public GatewayConfig config() {
    return services.config();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Usage totals and the request log: {@code usage().getAll()}, {@code getByDate}, {@code getByProvider}. */
  public Usage usage() {
    return services.usage();
  }

  /** The provider SPI in use: the gateway's own registry or the one passed to the builder. */
  public LlmClient llmClient() {
    return Telemetry.unwrap(services.llm());
  }

  /** Events, meters and tracing: attach listeners here, find the meter registry and OpenTelemetry in use. */
  public GatewayTelemetry telemetry() {
    return services.telemetry();
  }

  /**
   * A fresh router with every gateway route, for mounting into an application's own Vert.x router,
   * e.g. {@code appRouter.route("/llm/*").subRouter(gateway.router(vertx))}.
   */
  public Router router(Vertx onVertx) {
    return GatewayRouter.create(onVertx, services);
  }

  @Override
  public void close() {
    try {
      if (deploymentId != null) vertx.undeploy(deploymentId).await(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
    if (registry != null) registry.close();
    services.usage().close(); // after the server stopped, so that the last calls are in the final flush
    services.telemetry().close();
    if (ownsVertx) {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the JVM is usually on its way out
      }
    }
  }

  /** Options for embedding: a custom {@link LlmClient}, an existing Vert.x instance, usage sinks. */
  public static final class Builder {
    private final GatewayConfig config;
    private LlmClient llmClient;
    private Vertx vertx;
    private Map<String, String> env = System.getenv();
    private final List<UsageSink> sinks = new ArrayList<>();
    private Pricing pricing;
    private MeterRegistry meterRegistry;
    private OpenTelemetry openTelemetry;
    private final List<TelemetryListener> listeners = new ArrayList<>();
    private final List<TelemetryListener> blockingListeners = new ArrayList<>();

    private Builder(GatewayConfig config) {
      this.config = config;
    }

    /** Replaces the provider SPI, e.g. with a Mockito mock or a fake in tests. */
    public Builder llmClient(LlmClient client) {
      this.llmClient = client;
      return this;
    }

    /** Runs on the application's Vert.x instance instead of creating one; it is not closed by {@link #close()}. */
    public Builder vertx(Vertx existing) {
      this.vertx = existing;
      return this;
    }

    /** Environment used for proxy variables (HTTPS_PROXY, NO_PROXY); defaults to the process environment. */
    public Builder env(Map<String, String> environment) {
      this.env = environment;
      return this;
    }

    public Builder usageSink(UsageSink sink) {
      this.sinks.add(sink);
      return this;
    }

    public Builder pricing(Pricing p) {
      this.pricing = p;
      return this;
    }

    /**
     * Binds the gateway's meters to the application's registry (Spring Boot, Micronaut, Quarkus, ...)
     * instead of its own Prometheus one; {@code GET /metrics} is then not served.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    /** Traces and records GenAI metrics with the application's OpenTelemetry instead of {@code telemetry.otlp_endpoint}. */
    public Builder openTelemetry(OpenTelemetry otel) {
      this.openTelemetry = otel;
      return this;
    }

    /** Attached before the first call; runs on the event loop, so it must not block. */
    public Builder telemetryListener(TelemetryListener listener) {
      this.listeners.add(listener);
      return this;
    }

    /** Attached before the first call; runs on a thread of its own, so it may block. */
    public Builder blockingTelemetryListener(TelemetryListener listener) {
      this.blockingListeners.add(listener);
      return this;
    }

    public RecLlmGateway start() {
      // Start-up is mostly class loading, which runs on one thread: the parts that do not depend on each
      // other load side by side. The tokenizer (a few hundred ms) warms up for the first call that needs it
      // (the mock, usage estimates); the usage store (migrations, rebuilding totals) and the telemetry
      // (Micrometer, OpenTelemetry) open while this thread starts Vert.x and the providers.
      inBackground("tokenizer-warm-up", () -> TokenCounter.count("warm up"));
      CompletableFuture<Usage> usageOpening = inBackground("usage-store-open", () -> Usage.open(config.usage()));
      CompletableFuture<Telemetry> telemetryOpening = inBackground("telemetry-open",
          () -> Telemetry.create(config.telemetry(), meterRegistry, openTelemetry));
      int loops = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
      boolean owns = vertx == null;
      Vertx vx = null;
      ProviderRegistry registry = null;
      try {
        vx = owns ? Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true)) : vertx;
        Pricing prices = (pricing != null ? pricing : Pricing.builtIn()).withOverrides(config.pricing());
        LlmClient llm = llmClient;
        if (llm == null) {
          registry = ProviderRegistry.create(vx, config, env, prices);
          llm = registry;
        }
        Usage usage = usageOpening.join(); // a store that cannot be opened stops the start
        Telemetry telemetry = telemetryOpening.join();
        listeners.forEach(telemetry::attach);
        blockingListeners.forEach(telemetry::attachBlocking);
        List<UsageSink> allSinks = new ArrayList<>(sinksWith(usage));
        allSinks.add(0, telemetry); // first, so the duration it measures does not include the other sinks
        GatewayServices services = new GatewayServices(config, telemetry.instrument(llm),
            new ModelParser(config.providers().keySet(), config.defaultProvider()), prices, List.copyOf(allSinks),
            usage, telemetry);
        int port = config.port() == 0 ? freePort() : config.port();
        List<GatewayVerticle> started = new ArrayList<>();
        ClientConnections connections = new ClientConnections(config.connectionLimits(), telemetry.meterRegistry());
        Future<String> deployed = vx.deployVerticle(() -> {
          GatewayVerticle v = new GatewayVerticle(services, config.host(), port, connections);
          synchronized (started) {
            started.add(v);
          }
          return v;
        }, new DeploymentOptions().setInstances(loops));
        String id = deployed.await(30, TimeUnit.SECONDS);
        ListenAddress.warnIfOpen(config, started.get(0).actualPort());
        return new RecLlmGateway(vx, owns, services, registry, id, started.get(0).actualPort());
      } catch (Exception e) {
        if (registry != null) registry.close();
        usageOpening.thenAccept(Usage::close).exceptionally(ignored -> null).join();
        telemetryOpening.thenAccept(Telemetry::close).exceptionally(ignored -> null).join();
        if (owns && vx != null) vx.close();
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
          cause = cause.getCause();
        }
        if (usageOpening.isCompletedExceptionally() && cause instanceof RuntimeException storeFailure) {
          throw storeFailure; // as it was raised: it names the store and what is wrong with it
        }
        throw new IllegalStateException("Could not start the gateway on " + config.host() + ":" + config.port() + ": "
            + cause.getMessage(), cause);
      }
    }

    private static <T> CompletableFuture<T> inBackground(String name, Supplier<T> work) {
      CompletableFuture<T> result = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try {
          result.complete(work.get());
        } catch (Throwable e) {
          result.completeExceptionally(e);
        }
      }, name);
      t.setDaemon(true);
      t.start();
      return result;
    }

    private List<UsageSink> sinksWith(Usage usage) {
      List<UsageSink> all = new ArrayList<>(sinks.size() + 1);
      all.add(usage);
      all.addAll(sinks);
      return List.copyOf(all);
    }

    private static int freePort() throws IOException {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      }
    }
  }
}

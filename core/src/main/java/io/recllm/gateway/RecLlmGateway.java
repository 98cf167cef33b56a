package io.recllm.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.recllm.gateway.call.CallChain;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.ProviderSettingsTypes;
import io.recllm.gateway.core.GatewayVersion;
import io.recllm.gateway.http.ClientConnections;
import io.recllm.gateway.http.Drain;
import io.recllm.gateway.http.GatewayRouter;
import io.recllm.gateway.http.GatewayServices;
import io.recllm.gateway.http.GatewayVerticle;
import io.recllm.gateway.http.ListenAddress;
import io.recllm.gateway.keys.AuthStep;
import io.recllm.gateway.keys.KeyServices;
import io.recllm.gateway.keys.Keys;
import io.recllm.gateway.limits.Limits;
import io.recllm.gateway.limits.LimitsSection;
import io.recllm.gateway.limits.LimitsStep;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.provider.ProviderRegistry;
import io.recllm.gateway.provider.TokenCounter;
import io.recllm.gateway.resilience.Delay;
import io.recllm.gateway.resilience.PriceTableCostEstimate;
import io.recllm.gateway.resilience.Resilience;
import io.recllm.gateway.resilience.ResilienceSection;
import io.recllm.gateway.resilience.ResilienceSettings;
import io.recllm.gateway.resilience.TimeSource;
import io.recllm.gateway.routing.ModelParser;
import io.recllm.gateway.secrets.ScrubbingLlmClient;
import io.recllm.gateway.secrets.SecretScrubber;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(RecLlmGateway.class);
  /** After the grace period: for the calls cut short to send their error and be recorded. */
  private static final long AFTER_GRACE_MS = 5_000;

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final GatewayServices services;
  private final ProviderRegistry registry;
  private final SecretScrubber secrets;
  private final String deploymentId;
  private final List<GatewayVerticle> servers;
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RecLlmGateway(Vertx vertx, boolean ownsVertx, GatewayServices services, ProviderRegistry registry,
                        SecretScrubber secrets, String deploymentId, List<GatewayVerticle> servers) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.services = services;
    this.registry = registry;
    this.secrets = secrets;
    this.deploymentId = deploymentId;
    this.servers = servers;
    this.port = servers.get(0).actualPort();
  }

  /** Starts with the gateway's own providers, blocking until the port is bound. */
  public static RecLlmGateway start(GatewayConfig config) {
    return builder(config).start();
  }

  public static Builder builder(GatewayConfig config) {
    return new Builder(config);
  }

  /** The gateway's version (the POM's), or {@code dev} when run from a build's class folders. */
  public static String version() {
    return GatewayVersion.current();
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
    return ScrubbingLlmClient.unwrap(services.chain().client());
  }

  /**
   * The secrets kept out of every failure a provider reports (client errors, logs, telemetry, the
   * request log): the configured keys, and whatever is added here, e.g. an application's own keys.
   */
  public SecretScrubber secrets() {
    return secrets;
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

  /**
   * Stops gracefully: new connections are refused and idle ones closed, {@code /health} and
   * {@code /ready} answer 503, calls in flight get up to {@code shutdown.grace_ms} to finish and the rest
   * end with a 503 {@code gateway_shutting_down} error (an SSE error event once a stream has started).
   * Every call is recorded; then the usage store writes everything queued and telemetry flushes.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    drain();
    try {
      if (deploymentId != null) vertx.undeploy(deploymentId).await(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
    if (registry != null) registry.close();
    services.usage().close(); // after every call was recorded, so that they are all in the final flush
    services.resilience().health().close();
    services.telemetry().close();
    if (services.keys() != null) services.keys().close();
    if (ownsVertx) {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the JVM is usually on its way out
      }
    }
  }

  private void drain() {
    long graceMs = services.config().shutdownGraceMs();
    long started = System.nanoTime();
    Drain drain = services.drain();
    drain.stop();
    // Connections still busy when the grace period and the time to end the calls have passed are closed
    // by Vert.x; by then every call has normally been answered.
    List<Future<Void>> closing = new ArrayList<>();
    for (GatewayVerticle server : servers) closing.add(server.shutdown(graceMs + AFTER_GRACE_MS));
    int inFlight = drain.inFlight();
    if (inFlight > 0) LOG.info("Stopping: letting {} call(s) in flight finish (shutdown.grace_ms={})", inFlight, graceMs);
    if (!drain.awaitIdle(graceMs)) {
      int cut = drain.abortAll();
      LOG.warn("Stopping: {} call(s) still in flight after shutdown.grace_ms={}; ending them with 503 gateway_shutting_down",
          cut, graceMs);
      if (!drain.awaitIdle(AFTER_GRACE_MS)) {
        LOG.error("Stopping: {} call(s) did not end; they are not recorded", drain.inFlight());
      }
    }
    long leftMs = graceMs + AFTER_GRACE_MS + 1000 - (System.nanoTime() - started) / 1_000_000;
    try {
      Future.all(closing).await(Math.max(1, leftMs), TimeUnit.MILLISECONDS);
    } catch (Exception ignored) {
      // connections that would not close were closed by force
    }
    if (inFlight > 0) LOG.info("Stopping: calls in flight ended in {} ms", (System.nanoTime() - started) / 1_000_000);
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
    private final List<CallStep> steps = new ArrayList<>();
    private TimeSource resilienceTime = TimeSource.SYSTEM;
    private Delay resilienceDelay;

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

    /**
     * Adds a step to the chain every call goes through (see {@link CallStep}); it runs at its
     * {@link CallStep#stage() stage}, after the steps of earlier stages and the steps added before it.
     */
    public Builder step(CallStep step) {
      if (step == null) throw new IllegalArgumentException("step is null");
      this.steps.add(step);
      return this;
    }

    /**
     * The clocks of circuit breakers, latency averages and retry-after dates, and the backoff waits
     * between retries; the system clock and Vert.x timers unless set (tests pass a manual clock).
     */
    public Builder resilienceTime(TimeSource time, Delay delay) {
      this.resilienceTime = time;
      this.resilienceDelay = delay;
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
      // after the usage store, whose migrations create the keys' table
      CompletableFuture<Keys> keysOpening = usageOpening.thenApplyAsync(u -> Keys.openIfUsed(config));
      CompletableFuture<Telemetry> telemetryOpening = inBackground("telemetry-open",
          () -> Telemetry.create(config.telemetry(), meterRegistry, openTelemetry));
      int loops = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
      boolean owns = vertx == null;
      Vertx vx = null;
      ProviderRegistry registry = null;
      SecretScrubber secrets = SecretScrubber.of(config);
      try {
        vx = owns ? Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true)) : vertx;
        Map<String, String> providerTypes = new HashMap<>();
        config.providers().forEach((name, p) -> providerTypes.put(name, p.type()));
        Pricing prices = (pricing != null ? pricing : Pricing.builtIn()).withOverrides(config.pricing())
            .withProviderTypes(providerTypes);
        LlmClient llm = llmClient;
        if (llm == null) {
          registry = ProviderRegistry.create(vx, config, env, prices);
          llm = registry;
        }
        Usage usage = usageOpening.join(); // a store that cannot be opened stops the start
        Telemetry telemetry = telemetryOpening.join();
        listeners.forEach(telemetry::attach);
        blockingListeners.forEach(telemetry::attachBlocking);
        ResilienceSettings resilienceSettings = config.section(ResilienceSection.SECTION);
        Resilience resilience = new Resilience(resilienceSettings, config.providers().keySet(),
            new PriceTableCostEstimate(prices), resilienceTime,
            resilienceDelay != null ? resilienceDelay : Delay.vertx(vx));
        if (resilienceSettings.configured()) resilience.health().bindTo(telemetry.meterRegistry());
        List<UsageSink> allSinks = new ArrayList<>(sinksWith(usage));
        allSinks.add(0, telemetry); // first, so the duration it measures does not include the other sinks
        if (resilienceSettings.configured()) allSinks.add(resilience.health()); // provider health reads every call
        // innermost, so that the log, telemetry and the usage record only ever see scrubbed failures
        LlmClient scrubbed = new ScrubbingLlmClient(llm, secrets);
        List<CallStep> chainSteps = new ArrayList<>(steps.size() + 1);
        // first of all: the chain keeps the order steps were added within a stage, and telemetry's step
        // must be the outermost provider step, around every try and whatever other provider steps do
        chainSteps.add(telemetry.observationStep());
        chainSteps.addAll(ConfiguredSteps.of(config, vx, prices, telemetry.meterRegistry()));
        KeyServices keyServices = null;
        Keys keys = keysOpening.join();
        if (keys != null) {
          Limits limits = new Limits(config.section(LimitsSection.SECTION), vx, telemetry.meterRegistry());
          limits.seedSpend(usage, keys.all());
          chainSteps.add(new AuthStep(keys));
          chainSteps.add(new LimitsStep(keys, limits, prices));
          allSinks.add(limits); // settles each call's reservation when its outcome is recorded
          keyServices = new KeyServices(keys, (id, headers) -> limits.rateHeaders(keys.byId(id), headers), limits);
        }
        chainSteps.addAll(steps);
        chainSteps.addAll(resilience.steps()); // none when the config asks for no routes, retries or breakers
        CallChain chain = new CallChain(chainSteps, scrubbed);
        CallChain withFallbacks = chain;
        if (!chainSteps.contains(resilience.routingStep())) {
          List<CallStep> routed = new ArrayList<>(chainSteps);
          routed.addAll(resilience.fallbackSteps());
          withFallbacks = new CallChain(routed, scrubbed);
        }
        GatewayServices services = new GatewayServices(config, chain,
            new ModelParser(config.providers().keySet(), config.defaultProvider(),
                ProviderSettingsTypes.installed().presets()), prices,
            new CallOutcome(config, prices, allSinks), usage, telemetry, new Drain(), resilience, withFallbacks, keyServices);
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
        return new RecLlmGateway(vx, owns, services, registry, secrets, id, List.copyOf(started));
      } catch (Exception e) {
        if (registry != null) registry.close();
        usageOpening.thenAccept(Usage::close).exceptionally(ignored -> null).join();
        keysOpening.thenAccept(k -> {
          if (k != null) k.close();
        }).exceptionally(ignored -> null).join();
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

package io.recllm.gateway.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.UpstreamHttp;
import io.recllm.gateway.provider.anthropic.AnthropicClient;
import io.recllm.gateway.provider.mock.MockClient;
import io.recllm.gateway.provider.openai.OpenAiClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The gateway's own {@link LlmClient}: one {@link ProviderClient} per configured provider, by name. */
public final class ProviderRegistry implements LlmClient, AutoCloseable {

  private final Map<String, ProviderClient> clients;

  public ProviderRegistry(Map<String, ProviderClient> clients) {
    this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(clients));
  }

  /** Anthropic requires max_tokens; without one from the client or the model table, this. */
  static final int FALLBACK_MAX_TOKENS = 4096;

  /** Builds one adapter per configured provider; {@code env} supplies proxy settings. */
  public static ProviderRegistry create(Vertx vertx, GatewayConfig config, Map<String, String> env, Pricing pricing) {
    Map<String, ProviderClient> clients = new LinkedHashMap<>();
    for (ProviderConfig p : config.providers().values()) {
      clients.put(p.name(), create(vertx, p, env, pricing));
    }
    return new ProviderRegistry(clients);
  }

  private static ProviderClient create(Vertx vertx, ProviderConfig p, Map<String, String> env, Pricing pricing) {
    switch (p.type()) {
      case ProviderConfig.MOCK:
        return new MockClient(vertx, p);
      case ProviderConfig.OPENAI:
        return new OpenAiClient(new UpstreamHttp(vertx, p, env));
      case ProviderConfig.ANTHROPIC:
        return new AnthropicClient(new UpstreamHttp(vertx, p, env),
            model -> pricing.maxOutputTokens(ProviderConfig.ANTHROPIC, model).orElse(FALLBACK_MAX_TOKENS));
      default:
        throw new IllegalArgumentException("unknown provider type " + p.type());
    }
  }

  public Map<String, ProviderClient> clients() {
    return clients;
  }

  @Override
  public Future<ChatResult> chatCompletion(String provider, String model, ObjectNode request) {
    return call(provider, model, c -> c.chat(model, request));
  }

  @Override
  public Future<ChatStream> streamChatCompletion(String provider, String model, ObjectNode request) {
    return call(provider, model, c -> c.stream(model, request));
  }

  private <T> Future<T> call(String provider, String model, Function<ProviderClient, Future<T>> op) {
    ProviderClient client = clients.get(provider);
    if (client == null) {
      return Future.failedFuture(new GatewayException.InvalidRequest("provider_not_configured", "model",
          "Provider \"" + provider + "\" is not configured on this gateway"));
    }
    try {
      return op.apply(client).recover(t -> Future.failedFuture(tag(t, provider, model)));
    } catch (RuntimeException e) { // adapters may refuse synchronously (missing key, bad request)
      return Future.failedFuture(tag(e, provider, model));
    }
  }

  private static Throwable tag(Throwable t, String provider, String model) {
    return t instanceof GatewayException g ? g.at(provider, model) : t;
  }

  @Override
  public void close() {
    clients.values().forEach(ProviderClient::close);
  }
}

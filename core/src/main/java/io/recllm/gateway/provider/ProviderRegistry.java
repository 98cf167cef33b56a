package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.config.ProviderSettingsTypes;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.pricing.Pricing;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The gateway's own {@link LlmClient}: one {@link ProviderClient} per configured provider, by name,
 * each made by the {@link ProviderType} its config names.
 */
public final class ProviderRegistry implements LlmClient, AutoCloseable {

  private final Map<String, ProviderClient> clients;

  public ProviderRegistry(Map<String, ProviderClient> clients) {
    this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(clients));
  }

  /** Builds one client per configured provider with the {@link ProviderTypes#installed() registered types}. */
  public static ProviderRegistry create(Vertx vertx, GatewayConfig config, Map<String, String> env, Pricing pricing) {
    return create(ProviderTypes.installed(), new ProviderContext(vertx, env, pricing), config);
  }

  public static ProviderRegistry create(ProviderTypes types, ProviderContext context, GatewayConfig config) {
    Map<String, ProviderClient> clients = new LinkedHashMap<>();
    try {
      for (ProviderConfig p : config.providers().values()) {
        clients.put(p.name(), create(types.get(p.type()), p, context));
      }
    } catch (RuntimeException e) {
      clients.values().forEach(ProviderClient::close);
      throw e;
    }
    return new ProviderRegistry(clients);
  }

  @SuppressWarnings("unchecked")
  private static <S> ProviderClient create(ProviderType<S> type, ProviderConfig p, ProviderContext context) {
    return type.create(p, (S) p.settings(), context);
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

  @Override
  public Future<ChatResult> call(Endpoint endpoint, String provider, String model, ObjectNode request,
                                 MultiMap headers) {
    return call(provider, model, c -> switch (endpoint) {
      case CHAT -> c.chat(model, request);
      case EMBEDDINGS -> c.embeddings(model, request);
      case COMPLETIONS -> c.completions(model, request);
      case MESSAGES -> c.messages(model, request, headers);
      case RESPONSES -> c.responses(model, request, headers);
      default -> Future.failedFuture(UnsupportedEndpoint.of(endpoint, c.config()));
    });
  }

  @Override
  public Future<ChatStream> streamCall(Endpoint endpoint, String provider, String model, ObjectNode request,
                                       MultiMap headers) {
    return call(provider, model, c -> switch (endpoint) {
      case CHAT -> c.stream(model, request);
      case COMPLETIONS -> c.streamCompletions(model, request);
      case MESSAGES -> c.streamMessages(model, request, headers);
      case RESPONSES -> c.streamResponses(model, request, headers);
      default -> Future.failedFuture(UnsupportedEndpoint.of(endpoint, c.config()));
    });
  }

  @Override
  public Future<ChatResult> countMessageTokens(String provider, String model, ObjectNode request, MultiMap headers) {
    return call(provider, model, c -> c.countMessageTokens(model, request, headers));
  }

  @Override
  public Future<ChatResult> storedResponse(String provider, HttpMethod method, String path) {
    return call(provider, null, c -> c.storedResponse(method, path));
  }

  private <T> Future<T> call(String provider, String model, Function<ProviderClient, Future<T>> op) {
    ProviderClient client = clients.get(provider);
    if (client == null) {
      return Future.failedFuture(new GatewayException.InvalidRequest("provider_not_configured", "model",
          "Provider \"" + provider + "\" is not configured on this gateway (configured: " + String.join(", ", clients.keySet())
              + "; presets that need only their type and key variable: "
              + String.join(", ", ProviderSettingsTypes.installed().presets()) + ")"));
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

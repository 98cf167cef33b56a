package io.recllm.gateway.http;

import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The calls on a response an upstream stored: {@code GET} and {@code DELETE /v1/responses/{id}},
 * {@code GET /v1/responses/{id}/input_items} and {@code POST /v1/responses/{id}/cancel}, passed to an
 * openai or azure provider as they are, its answer (or error) back as it sent it. They name no model, so
 * the provider is the {@code provider} query parameter, else the {@code x-rec-llm-provider} header, else
 * {@code default_provider}. Not billed calls: they go to the provider directly, not through the chain, so
 * they are in no usage record. A streamed retrieval ({@code ?stream=true}) is refused.
 */
final class StoredResponsesHandler {

  static final String PROVIDER_PARAM = "provider";
  /** OpenAI's ids are letters, digits and underscores; nothing that could leave the path segment. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");

  private final GatewayServices services;

  StoredResponsesHandler(GatewayServices services) {
    this.services = services;
  }

  void retrieve(RoutingContext ctx) {
    pass(ctx, HttpMethod.GET, "");
  }

  void delete(RoutingContext ctx) {
    pass(ctx, HttpMethod.DELETE, "");
  }

  void inputItems(RoutingContext ctx) {
    pass(ctx, HttpMethod.GET, "/input_items");
  }

  void cancel(RoutingContext ctx) {
    pass(ctx, HttpMethod.POST, "/cancel");
  }

  private void pass(RoutingContext ctx, HttpMethod method, String suffix) {
    String id = ctx.pathParam("id");
    String provider;
    String path;
    try {
      if (id == null || !ID.matcher(id).matches()) {
        throw new GatewayException.InvalidRequest("invalid_value", "response_id",
            "Invalid 'response_id': expected an id such as resp_123 (letters, digits, '_' and '-').");
      }
      if ("true".equalsIgnoreCase(ctx.queryParams().get("stream"))) {
        throw new GatewayException.InvalidRequest("unsupported_parameter", "stream",
            "Streaming a stored response is not supported by the gateway; retrieve it without stream=true.");
      }
      provider = provider(ctx);
      String query = queryWithoutProvider(ctx.request().query());
      path = "/responses/" + id + suffix + (query.isEmpty() ? "" : "?" + query);
    } catch (GatewayException e) {
      ErrorResponses.send(ctx.response(), e);
      return;
    }
    Future<ChatResult> answer;
    try {
      answer = services.chain().client().storedResponse(provider, method, path);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(ar -> {
      if (ar.failed()) {
        ErrorResponses.send(ctx.response(), ErrorResponses.wrap(ar.cause()).at(provider, null));
      } else if (!ctx.response().closed()) {
        ChatResult r = ar.result();
        ctx.response().putHeader("content-type", "application/json")
            .putHeader(ChatCompletionsHandler.PROVIDER_HEADER, provider)
            .end(r.raw() != null ? r.raw() : Buffer.buffer(r.body().toString()));
      }
    });
  }

  private String provider(RoutingContext ctx) {
    String p = ctx.queryParams().get(PROVIDER_PARAM);
    if (p == null || p.isBlank()) p = ctx.request().getHeader(ChatCompletionsHandler.PROVIDER_HEADER);
    if (p == null || p.isBlank()) p = services.config().defaultProvider();
    return p.trim();
  }

  /** The client's query as it sent it (OpenAI's {@code include[]=...}, {@code after}, ...), less the gateway's own parameter. */
  static String queryWithoutProvider(String query) {
    if (query == null || query.isEmpty()) return "";
    StringJoiner out = new StringJoiner("&");
    for (String pair : query.split("&")) {
      if (pair.isEmpty() || pair.equals(PROVIDER_PARAM) || pair.startsWith(PROVIDER_PARAM + "=")) continue;
      out.add(pair);
    }
    return out.toString();
  }
}

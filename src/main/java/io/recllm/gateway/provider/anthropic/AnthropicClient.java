package io.recllm.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderCounters;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import io.vertx.core.Future;
import java.util.function.ToIntFunction;

/**
 * Anthropic's Messages API behind the OpenAI chat format: the pure {@link AnthropicMapper},
 * {@link AnthropicStreamTranslator} and {@link AnthropicErrors} do the translation; {@link UpstreamApi}
 * does the HTTP exchange ({@code POST {base_url}/v1/messages} with {@code x-api-key} and
 * {@code anthropic-version}).
 */
public final class AnthropicClient implements ProviderClient {

  public static final String API_VERSION = "2023-06-01";
  private static final String PATH = "/v1/messages";

  private final UpstreamApi api;
  private final ProviderConfig config;
  private final ToIntFunction<String> defaultMaxTokens;

  /** @param defaultMaxTokens per-model max_tokens when the client sends none (Anthropic requires one) */
  public AnthropicClient(UpstreamHttp http, ToIntFunction<String> defaultMaxTokens) {
    this.config = http.config();
    this.defaultMaxTokens = defaultMaxTokens;
    // configured headers come last: e.g. anthropic-beta, or another anthropic-version
    this.api = UpstreamApi.builder(http, AnthropicErrors::fromResponse)
        .header("anthropic-version", API_VERSION)
        .auth(UpstreamApi.AuthHeader.header("x-api-key"))
        .build();
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    api.requireKey();
    ObjectNode body = AnthropicMapper.toAnthropicRequest(request, model, defaultMaxTokens.applyAsInt(model));
    body.remove("stream");
    return api.postJson(PATH, UpstreamHttp.encode(body), (resp, buf) -> {
      ObjectNode message = api.parseObject(buf, o -> "message".equals(o.path("type").asText()), "an Anthropic message");
      String stopReason = message.path("stop_reason").asText(null);
      if (!AnthropicMapper.isKnownStopReason(stopReason)) ProviderCounters.unknownStopReason();
      return AnthropicMapper.toChatResult(message, System.currentTimeMillis() / 1000, resp.header("request-id"));
    });
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    api.requireKey();
    ObjectNode body = AnthropicMapper.toAnthropicRequest(request, model, defaultMaxTokens.applyAsInt(model));
    body.put("stream", true);
    return api.postSse(PATH, UpstreamHttp.encode(body),
        () -> new AnthropicStreamTranslator(System.currentTimeMillis() / 1000).plumbing());
  }
}

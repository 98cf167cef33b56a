package io.recllm.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderCounters;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import io.recllm.gateway.provider.UpstreamSseStream;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.UUID;

/**
 * Bedrock Runtime's Converse API behind the OpenAI chat format: the pure {@link BedrockMapper},
 * {@link BedrockStreamTranslator} and {@link BedrockErrors} translate; {@link UpstreamApi} does the HTTP
 * exchange ({@code POST {base_url}/model/{modelId}/converse} or {@code /converse-stream}), signed by
 * {@link BedrockSigner} with credentials from {@link BedrockCredentials}, or with a Bedrock API key as a
 * bearer token when the config has an {@code api_key}.
 */
public final class BedrockClient implements ProviderClient {

  static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

  private final UpstreamApi api;
  private final ProviderConfig config;

  /** @param credentials null to send the configured {@code api_key} as a bearer token instead of signing */
  BedrockClient(UpstreamHttp http, BedrockSettings settings, BedrockCredentials credentials) {
    this(http, settings, credentials, null);
  }

  /** @param signingClock the signature's time; null for the system clock */
  BedrockClient(UpstreamHttp http, BedrockSettings settings, BedrockCredentials credentials, Clock signingClock) {
    this.config = http.config();
    UpstreamApi.Builder b = UpstreamApi.builder(http, BedrockErrors.INSTANCE).streamAccept(EVENT_STREAM);
    if (credentials != null) {
      b.auth(null).signer(new BedrockSigner(config.baseUrl(), settings.region(), credentials, signingClock));
    }
    this.api = b.build();
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    api.requireKey();
    ObjectNode body = BedrockMapper.toConverseRequest(request, model);
    return api.postJson(BedrockMapper.path(model, false), UpstreamHttp.encode(body), (resp, buf) -> {
      ObjectNode answer = api.parseObject(buf, o -> o.path("output").path("message").path("content").isArray(),
          "a Bedrock Converse answer");
      String stopReason = answer.path("stopReason").asText(null);
      if (!BedrockMapper.isKnownStopReason(stopReason)) ProviderCounters.unknownStopReason();
      String requestId = resp.header("x-amzn-requestid");
      ObjectNode completion = BedrockMapper.fromConverseResponse(answer, completionId(requestId), model, now());
      return new ChatResult(completion, BedrockMapper.usageOf(answer.get("usage")), requestId);
    });
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    api.requireKey();
    ObjectNode body = BedrockMapper.toConverseRequest(request, model);
    return api.postStream(BedrockMapper.path(model, true), UpstreamHttp.encode(body), resp -> {
      BedrockStreamTranslator translator =
          new BedrockStreamTranslator(completionId(resp.header("x-amzn-requestid")), model, now());
      return Future.succeededFuture(new UpstreamSseStream(resp, new BedrockStreamDecoder(translator)));
    });
  }

  /** Converse answers carry no id; Bedrock's request id makes one a support case can be traced with. */
  static String completionId(String requestId) {
    return "chatcmpl-" + (requestId != null && !requestId.isBlank() ? requestId : UUID.randomUUID().toString());
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}

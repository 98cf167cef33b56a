package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What every JSON-over-HTTP adapter does around its mapping: the request headers (content type, user
 * agent, the provider's key in the provider's auth header, fixed headers of the API, then the
 * configured {@code headers}, which win), a non-2xx answer turned into a {@link GatewayException} by
 * the adapter's {@link ErrorMapper}, and a body that is not what the API promises turned into
 * {@code bad_upstream_response}. An adapter then holds only its mapping:
 *
 * <pre>{@code
 * api = UpstreamApi.builder(context.upstream(config), (status, body, retryAfter) -> MyErrors.map(status, body))
 *     .auth(AuthHeader.bearer()).build();
 * return api.postJson("/chat", UpstreamHttp.encode(toWire(request)),
 *     (resp, buf) -> fromWire(api.parseObject(buf, o -> true, "a chat answer")));
 * }</pre>
 */
public final class UpstreamApi {

  /** An upstream's non-2xx answer (or an error it sent as a body) as the gateway's exception. */
  @FunctionalInterface
  public interface ErrorMapper {
    /**
     * @param body the response body as text; may be empty or not JSON
     * @param retryAfter the wait the upstream asked for, as a {@code retry-after} value: see
     *     {@link UpstreamApi#retryAfter}; or null
     */
    GatewayException fromResponse(int status, String body, String retryAfter);

    /** The same, for a mapper that reads more of the answer's head than retry-after (AWS's error type header). */
    default GatewayException fromResponse(UpstreamHttp.UpstreamResponse response, String body) {
      return fromResponse(response.status(), body, retryAfter(response.header("retry-after-ms"), response.header("retry-after")));
    }
  }

  /** How the provider's API key travels. */
  @FunctionalInterface
  public interface AuthHeader {
    void apply(MultiMap headers, String apiKey);

    /** {@code Authorization: Bearer <key>} (OpenAI and compatible servers). */
    static AuthHeader bearer() {
      return (h, key) -> h.set(HttpHeaders.AUTHORIZATION, "Bearer " + key);
    }

    /** The key as the whole value of a header of its own, e.g. Anthropic's {@code x-api-key}. */
    static AuthHeader header(String name) {
      return (h, key) -> h.set(name, key);
    }
  }

  /**
   * Signs each request (AWS SigV4, say): the headers to send for that path and body. May complete
   * later, e.g. after credentials were fetched off the event loop, but on the caller's context.
   */
  @FunctionalInterface
  public interface RequestSigner {
    Future<MultiMap> sign(String path, MultiMap headers, Buffer body);
  }

  private final UpstreamHttp http;
  private final ProviderConfig config;
  private final ErrorMapper errors;
  private final RequestSigner signer;
  // Shared by every call: Vert.x copies request headers and never writes to these. One pair per key.
  private final KeyRing<MultiMap[]> keys;

  private static final int JSON = 0;
  private static final int SSE = 1;

  private UpstreamApi(Builder b) {
    this.http = b.http;
    this.config = b.http.config();
    this.errors = b.errors;
    this.signer = b.signer;
    List<String> apiKeys = config.hasKey() ? config.apiKeys() : Collections.singletonList(null);
    this.keys = new KeyRing<>(config.name(), apiKeys, key -> headers(b, key), System::nanoTime);
  }

  private MultiMap[] headers(Builder b, String apiKey) {
    MultiMap h = HttpHeaders.headers()
        .set(HttpHeaders.CONTENT_TYPE, "application/json")
        .set(HttpHeaders.USER_AGENT, ProviderKeys.USER_AGENT);
    b.fixed.forEach(h::set);
    if (apiKey != null && b.auth != null) b.auth.apply(h, apiKey);
    config.headers().forEach(h::set); // last: an operator may override any of the above (a newer API version, say)
    return new MultiMap[] {
        HttpHeaders.headers().addAll(h).set(HttpHeaders.ACCEPT, "application/json"),
        HttpHeaders.headers().addAll(h).set(HttpHeaders.ACCEPT, b.streamAccept)};
  }

  public static Builder builder(UpstreamHttp http, ErrorMapper errors) {
    return new Builder(http, errors);
  }

  public ProviderConfig config() {
    return config;
  }

  public UpstreamHttp http() {
    return http;
  }

  public ErrorMapper errors() {
    return errors;
  }

  /** Fails with {@code missing_api_key} when the provider needs a key and has none. */
  public void requireKey() {
    ProviderKeys.requireKey(config);
  }

  /**
   * POSTs JSON and reads the whole answer; a 2xx answer goes to {@code answer} with its body, any other
   * to the error mapper.
   */
  public <T> Future<T> postJson(String path, Buffer payload, BiFunction<UpstreamHttp.UpstreamResponse, Buffer, T> answer) {
    return postJson(path, null, payload, answer);
  }

  /** As {@link #postJson(String, Buffer, BiFunction)}, with headers of this call added (or replacing). */
  public <T> Future<T> postJson(String path, MultiMap extra, Buffer payload,
                                BiFunction<UpstreamHttp.UpstreamResponse, Buffer, T> answer) {
    KeyRing.Key<MultiMap[]> key = keys.pick();
    return post(path, with(key.headers()[JSON], extra), payload)
        .compose(resp -> resp.body().map(buf -> {
          if (resp.status() / 100 != 2) throw error(key, resp, buf);
          return answer.apply(resp, buf);
        }));
  }

  /**
   * Sends a request without a body ({@code GET}, {@code DELETE}) or with one ({@code POST}) and reads the
   * whole answer, as {@link #postJson} does.
   */
  public <T> Future<T> send(HttpMethod method, String path, Buffer payload,
                            BiFunction<UpstreamHttp.UpstreamResponse, Buffer, T> answer) {
    KeyRing.Key<MultiMap[]> key = keys.pick();
    MultiMap headers = key.headers()[JSON];
    if (payload == null) headers = HttpHeaders.headers().addAll(headers).remove(HttpHeaders.CONTENT_TYPE);
    Future<UpstreamHttp.UpstreamResponse> sent = signer == null ? http.request(method, path, headers, payload)
        : signer.sign(path, headers, payload == null ? Buffer.buffer() : payload)
            .compose(signed -> http.request(method, path, signed, payload));
    return sent.compose(resp -> resp.body().map(buf -> {
      if (resp.status() / 100 != 2) throw error(key, resp, buf);
      return answer.apply(resp, buf);
    }));
  }

  /**
   * POSTs a streaming request; a 2xx answer's events go through a fresh translator from
   * {@code translator}, any other answer to the error mapper.
   */
  public Future<ChatStream> postSse(String path, Buffer payload, Supplier<StreamTranslator> translator) {
    return postSse(path, null, payload, translator);
  }

  /**
   * As {@link #postSse(String, Buffer, Supplier)}, with headers of this call only (a short-lived access
   * token, say) set over the fixed ones; null for none.
   */
  public Future<ChatStream> postSse(String path, MultiMap callHeaders, Buffer payload,
                                    Supplier<StreamTranslator> translator) {
    return postStream(path, callHeaders, payload,
        resp -> Future.succeededFuture(new UpstreamSseStream(resp, translator.get())));
  }

  /** As {@link #postSse}, for an adapter that looks at a 2xx answer's head before it streams it. */
  public Future<ChatStream> postStream(String path, Buffer payload,
                                       Function<UpstreamHttp.UpstreamResponse, Future<ChatStream>> accepted) {
    return postStream(path, null, payload, accepted);
  }

  /** As {@link #postStream(String, Buffer, Function)}, with headers of this call added (or replacing). */
  public Future<ChatStream> postStream(String path, MultiMap extra, Buffer payload,
                                       Function<UpstreamHttp.UpstreamResponse, Future<ChatStream>> accepted) {
    KeyRing.Key<MultiMap[]> key = keys.pick();
    return post(path, with(key.headers()[SSE], extra), payload).compose(resp -> {
      if (resp.status() / 100 != 2) {
        return resp.body().map(buf -> {
          throw error(key, resp, buf);
        });
      }
      return accepted.apply(resp);
    });
  }

  private Future<UpstreamHttp.UpstreamResponse> post(String path, MultiMap headers, Buffer payload) {
    headers = with(headers, CallHeaders.current()); // before signing, so a signed request covers them too
    if (signer == null) return http.post(path, headers, payload);
    return signer.sign(path, headers, payload).compose(signed -> http.post(path, signed, payload));
  }

  private static MultiMap with(MultiMap base, MultiMap extra) {
    if (extra == null || extra.isEmpty()) return base;
    MultiMap out = HttpHeaders.headers().addAll(base);
    for (String name : extra.names()) out.set(name, extra.getAll(name)); // setAll(MultiMap) would drop the base
    return out;
  }

  private GatewayException error(KeyRing.Key<MultiMap[]> key, UpstreamHttp.UpstreamResponse resp, Buffer body) {
    String retryAfter = retryAfter(resp.header("retry-after-ms"), resp.header("retry-after"));
    keys.answered(key, resp.status(), retryAfterNanos(retryAfter));
    return errors.fromResponse(resp, body.toString());
  }

  /**
   * The wait an answer asks for, as {@code retry-after} seconds: OpenAI's {@code retry-after-ms} is
   * more precise than its whole-second {@code retry-after} and wins, written as a decimal fraction
   * (the HTTP layer rounds it up to whole seconds for the client).
   */
  public static String retryAfter(String retryAfterMs, String retryAfter) {
    if (retryAfterMs != null) {
      String ms = retryAfterMs.trim();
      if (ms.matches("\\d{1,12}(\\.\\d{1,9})?")) {
        return new java.math.BigDecimal(ms).movePointLeft(3).stripTrailingZeros().toPlainString();
      }
    }
    return retryAfter;
  }

  /** Delta seconds as nanoseconds, or -1 (an HTTP date or nothing: the key ring's default rest). */
  private static long retryAfterNanos(String retryAfter) {
    if (retryAfter == null || !retryAfter.trim().matches("\\d{1,9}(\\.\\d{1,9})?")) return -1;
    return (long) (Double.parseDouble(retryAfter.trim()) * 1_000_000_000d);
  }

  /** The provider's keys as they are taken in turn. */
  public KeyRing<MultiMap[]> keys() {
    return keys;
  }

  /**
   * The body as a JSON object that {@code accept} takes, or {@code bad_upstream_response}:
   * "Provider "x" answered with something that is not {@code what}".
   */
  public ObjectNode parseObject(Buffer body, Predicate<ObjectNode> accept, String what) {
    try {
      JsonNode node = Json.MAPPER.readTree(body.getBytes());
      if (node instanceof ObjectNode o && accept.test(o)) return o;
    } catch (Exception e) {
      // reported below
    }
    throw new GatewayException.ProviderFailure("bad_upstream_response",
        "Provider \"" + config.name() + "\" answered with something that is not " + what, 200, false, null);
  }

  public static final class Builder {
    private final UpstreamHttp http;
    private final ErrorMapper errors;
    private AuthHeader auth = AuthHeader.bearer();
    private RequestSigner signer;
    private String streamAccept = "text/event-stream";
    private final Map<String, String> fixed = new LinkedHashMap<>();

    private Builder(UpstreamHttp http, ErrorMapper errors) {
      this.http = http;
      this.errors = errors;
    }

    /** How the key is sent; {@link AuthHeader#bearer()} unless set, null for an API that takes none. */
    public Builder auth(AuthHeader header) {
      this.auth = header;
      return this;
    }

    /** A header every call carries, e.g. an API version; a configured header of the same name wins. */
    public Builder header(String name, String value) {
      fixed.put(name, value);
      return this;
    }

    /** Signs every request after its headers are complete; none unless set. */
    public Builder signer(RequestSigner signer) {
      this.signer = signer;
      return this;
    }

    /** The {@code accept} of streaming requests; {@code text/event-stream} unless set. */
    public Builder streamAccept(String mediaType) {
      this.streamAccept = mediaType;
      return this;
    }

    public UpstreamApi build() {
      return new UpstreamApi(this);
    }
  }
}

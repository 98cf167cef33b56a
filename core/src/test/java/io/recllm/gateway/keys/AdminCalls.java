package io.recllm.gateway.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for the admin API and keyed chat calls, with any method and a bearer key. */
public final class AdminCalls {

  public static final ObjectMapper JSON = new ObjectMapper();
  public static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AdminCalls() {}

  public static HttpResponse<String> send(String baseUrl, String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("content-type", "application/json");
    if (key != null) b.header("authorization", "Bearer " + key);
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  public static HttpResponse<String> chat(String baseUrl, String key, String model, int maxTokens) throws Exception {
    return send(baseUrl, "POST", "/v1/chat/completions", key,
        "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");
  }
}

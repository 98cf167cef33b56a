package io.recllm.gateway.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Debian Firefox driven over WebDriver BiDi, which Firefox speaks natively: no geckodriver
 * (not packaged by Debian, and its npm wrappers download binaries at install time). Only the few
 * commands the dashboard test needs.
 */
public final class Firefox implements AutoCloseable {

  public static final String BINARY = "/usr/bin/firefox-esr";

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<JsonNode>> pending;
  private final AtomicInteger ids = new AtomicInteger();
  private final String context;

  private Firefox(Process process, Path profile, WebSocket socket, Map<Integer, CompletableFuture<JsonNode>> pending)
      throws Exception {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
    this.pending = pending;
    command("session.new", Json.object().set("capabilities", Json.object()));
    this.context = command("browsingContext.getTree", Json.object()).at("/contexts/0/context").asText();
  }

  public static Firefox start() throws Exception {
    if (!new File(BINARY).canExecute()) {
      throw new IllegalStateException("Firefox is not installed: apt-get install firefox-esr (.ci/run does it)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path profile = Files.createTempDirectory("recllm-firefox");
    // the machine has no internet: keep Firefox from trying to phone home at all
    Files.writeString(profile.resolve("user.js"), String.join("\n",
        "user_pref(\"app.normandy.enabled\", false);",
        "user_pref(\"app.update.enabled\", false);",
        "user_pref(\"browser.safebrowsing.malware.enabled\", false);",
        "user_pref(\"browser.safebrowsing.phishing.enabled\", false);",
        "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);",
        "user_pref(\"toolkit.telemetry.enabled\", false);",
        "user_pref(\"services.settings.server\", \"http://127.0.0.1:9/\");",
        "user_pref(\"messaging-system.rsexperimentloader.enabled\", false);",
        "user_pref(\"network.captive-portal-service.enabled\", false);",
        "user_pref(\"network.connectivity-service.enabled\", false);",
        "user_pref(\"network.dns.disablePrefetch\", true);",
        "user_pref(\"network.prefetch-next\", false);",
        ""));
    Process p = new ProcessBuilder(BINARY, "--headless", "--no-remote", "--profile", profile.toString(),
        "--remote-debugging-port", String.valueOf(port), "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("firefox.log").toFile()).start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      String log = Files.exists(profile.resolve("firefox.log")) ? Files.readString(profile.resolve("firefox.log")) : "";
      if (log.contains("WebDriver BiDi listening")) break;
      if (!p.isAlive()) throw new IllegalStateException("Firefox exited: " + log);
      Thread.sleep(100);
    }
    Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/session"), new WebSocket.Listener() {
          final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              String message = text.toString();
              text.setLength(0);
              try {
                JsonNode json = Json.MAPPER.readTree(message);
                if (json.has("id")) {
                  CompletableFuture<JsonNode> f = pending.remove(json.get("id").asInt());
                  if (f != null) {
                    if ("error".equals(json.path("type").asText())) f.completeExceptionally(new IllegalStateException(message));
                    else f.complete(json.get("result"));
                  }
                }
              } catch (IOException ignored) {
                // not ours to handle
              }
            }
            webSocket.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    return new Firefox(p, profile, ws, pending);
  }

  private JsonNode command(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode message = Json.object();
    message.put("id", id);
    message.put("method", method);
    message.set("params", params);
    socket.sendText(message.toString(), true).get(10, TimeUnit.SECONDS);
    return reply.get(30, TimeUnit.SECONDS);
  }

  public void navigate(String url) throws Exception {
    ObjectNode params = Json.object().put("context", context).put("url", url).put("wait", "complete");
    command("browsingContext.navigate", params);
  }

  public void viewport(int width, int height) throws Exception {
    ObjectNode params = Json.object().put("context", context);
    params.putObject("viewport").put("width", width).put("height", height);
    command("browsingContext.setViewport", params);
  }

  /** Evaluates a JavaScript expression in the page and returns its value as JSON (null when undefined). */
  public JsonNode eval(String expression) throws Exception {
    ObjectNode params = Json.object().put("expression", expression).put("awaitPromise", true);
    params.putObject("target").put("context", context);
    JsonNode result = command("script.evaluate", params);
    if (!"success".equals(result.path("type").asText())) throw new IllegalStateException(result.toString());
    return result.path("result").path("value");
  }

  public byte[] screenshot() throws Exception {
    JsonNode result = command("browsingContext.captureScreenshot", Json.object().put("context", context));
    return Base64.getDecoder().decode(result.get("data").asText());
  }

  @Override
  public void close() throws Exception {
    socket.abort();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}

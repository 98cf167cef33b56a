package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstreams over TLS as in production (JDK trust, SNI, hostname verification), with an explicitly
 * trusted self-signed certificate; and the corporate proxy variables.
 */
class UpstreamTlsAndProxyTest {

  static Vertx vertx;
  static SelfSignedCertificate cert;
  static FakeUpstream https;
  static SelfSignedCertificate tunnelCert;
  static FakeUpstream tunnelled;
  static FakeUpstream proxy;
  static final List<String> proxiedUris = new CopyOnWriteArrayList<>();
  static final List<String> sniNames = new CopyOnWriteArrayList<>();
  static final List<String> connectTargets = new CopyOnWriteArrayList<>();
  static final List<String> versions = new CopyOnWriteArrayList<>();
  static HttpServer connectProxy;
  static GatewayHarness gw;
  static final String BODY = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    cert = SelfSignedCertificate.create("localhost");
    https = FakeUpstream.start(vertx, new HttpServerOptions().setSsl(true).setSni(true).setUseAlpn(true)
        .setKeyCertOptions(cert.keyCertOptions()));
    String answer = Fixtures.read("openai/chat_completion_text.json");
    https.respond((req, b) -> {
      sniNames.add(String.valueOf(req.connection().indicatedServerName()));
      versions.add(req.version().name());
      req.response().putHeader("content-type", "application/json").end(answer);
    });
    tunnelCert = SelfSignedCertificate.create("api.tunnel.invalid");
    tunnelled = FakeUpstream.start(vertx, new HttpServerOptions().setSsl(true).setKeyCertOptions(tunnelCert.keyCertOptions()))
        .respondJson(200, answer);
    proxy = FakeUpstream.start(vertx).respond((req, b) -> {
      proxiedUris.add(req.uri());
      req.response().putHeader("content-type", "application/json").end(answer);
    });
    connectProxy = vertx.createHttpServer().requestHandler(UpstreamTlsAndProxyTest::tunnel)
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    gw = GatewayHarness.start("""
        providers:
          trusted:   { type: openai, base_url: "https://localhost:%1$d/v1", tls: { trust_store: "%2$s" } }
          untrusted: { type: openai, base_url: "https://localhost:%1$d/v1" }
          wronghost: { type: openai, base_url: "https://127.0.0.1:%1$d/v1", tls: { trust_store: "%2$s" } }
          viaproxy:  { type: openai, base_url: "http://upstream.example.invalid/v1" }
          tunnel:    { type: openai, base_url: "https://api.tunnel.invalid:%1$d/v1", tls: { trust_store: "%3$s" } }
          tunnelbad: { type: openai, base_url: "https://api.tunnel.invalid:%1$d/v1", tls: { trust_store: "%2$s" } }
          h2:        { type: openai, base_url: "https://localhost:%1$d/v1", http2: true, tls: { trust_store: "%2$s" } }
        usage: { store: memory }
        """.formatted(https.port(), cert.certificatePath(), tunnelCert.certificatePath()),
        Map.of("HTTP_PROXY", "http://127.0.0.1:" + proxy.port(),
            "HTTPS_PROXY", "http://127.0.0.1:" + connectProxy.actualPort(),
            "NO_PROXY", "localhost,127.0.0.1"));
  }

  /** A minimal CONNECT proxy: every tunnel goes to the local HTTPS fake for api.tunnel.invalid. */
  static void tunnel(HttpServerRequest req) {
    if (req.method() != HttpMethod.CONNECT) {
      req.response().setStatusCode(405).end();
      return;
    }
    connectTargets.add(req.uri());
    vertx.createNetClient().connect(tunnelled.port(), "127.0.0.1").onSuccess(target ->
        req.toNetSocket().onSuccess(client -> {
          client.pipeTo(target);
          target.pipeTo(client);
        }));
  }

  @AfterAll
  static void stop() throws Exception {
    connectProxy.close().await(10, TimeUnit.SECONDS);
    gw.close();
    https.close();
    proxy.close();
    cert.delete();
    tunnelled.close();
    tunnelCert.delete();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void explicitlyTrustedCertificateWorksWithSni() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions", BODY.formatted("trusted:gpt-4o"));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(resp.body()).at("/choices/0/message/content").asText())
        .isEqualTo("The capital of France is Paris.");
    assertThat(sniNames).contains("localhost");
  }

  @Test
  void untrustedCertificateIsRefused() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions", BODY.formatted("untrusted:gpt-4o"));
    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(Json.MAPPER.readTree(resp.body()).at("/error/code").asText()).isEqualTo("upstream_tls_error");
  }

  @Test
  void certificateForAnotherHostIsRefused() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions", BODY.formatted("wronghost:gpt-4o"));
    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(Json.MAPPER.readTree(resp.body()).at("/error/code").asText()).isEqualTo("upstream_tls_error");
  }

  @Test
  void httpProxyFromTheEnvironmentCarriesTheCall() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions", BODY.formatted("viaproxy:gpt-4o"));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(proxiedUris).contains("http://upstream.example.invalid/v1/chat/completions");
  }

  @Test
  void httpsProxyFromTheEnvironmentTunnelsTlsEndToEnd() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions", BODY.formatted("tunnel:gpt-4o"));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(connectTargets).contains("api.tunnel.invalid:" + https.port());
    // the same tunnel with the wrong trust store is refused: TLS runs end to end inside the tunnel
    resp = gw.post("/v1/chat/completions", BODY.formatted("tunnelbad:gpt-4o"));
    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(Json.MAPPER.readTree(resp.body()).at("/error/code").asText()).isEqualTo("upstream_tls_error");
  }

  @Test
  void http2IsNegotiatedWithAlpnWhenEnabled() throws Exception {
    versions.clear();
    HttpResponse<String> resp = gw.post("/v1/chat/completions", BODY.formatted("h2:gpt-4o"));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(versions).containsExactly("HTTP_2");
    versions.clear();
    gw.post("/v1/chat/completions", BODY.formatted("trusted:gpt-4o"));
    assertThat(versions).containsExactly("HTTP_1_1");
  }
}

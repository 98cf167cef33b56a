package io.recllm.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fakes.Browser;
import io.recllm.gateway.fakes.GatewayHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * CORS as a real browser enforces it: a page from another origin calls the gateway with fetch and an
 * Authorization header (so the browser sends a preflight first).
 */
class BrowserCorsTest {

  static Vertx vertx;
  static HttpServer pages;
  static GatewayHarness open;
  static GatewayHarness restricted;
  static ChromeDriver browser;

  static final String PAGE = """
      <!doctype html><html><body><div id="result">pending</div><script>
      const target = new URLSearchParams(location.search).get('target');
      fetch(target + '/v1/chat/completions', {
        method: 'POST',
        headers: {'Authorization': 'Bearer gw-key', 'Content-Type': 'application/json', 'x-stainless-os': 'Linux'},
        body: JSON.stringify({model: 'mock:echo', messages: [{role: 'user', content: 'Hello from a page'}]})
      }).then(r => r.json()).then(j => { document.getElementById('result').textContent = 'ok:' + j.choices[0].message.content; })
        .catch(e => { document.getElementById('result').textContent = 'blocked:' + e.name; });
      </script></body></html>""";

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    pages = vertx.createHttpServer().requestHandler(req -> req.response().putHeader("content-type", "text/html").end(PAGE))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    open = GatewayHarness.start("api_key: gw-key\nusage: { store: memory }\n", Map.of());
    restricted = GatewayHarness.start("""
        api_key: gw-key
        usage: { store: memory }
        cors: { allowed_origins: ["http://localhost:%d"] }
        """.formatted(pages.actualPort()), Map.of());
    browser = Browser.start(1280, 800);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) browser.quit();
    open.close();
    restricted.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  String callFrom(String pageOrigin, GatewayHarness gateway) throws InterruptedException {
    browser.get(pageOrigin + "/page.html?target=" + gateway.baseUrl());
    long deadline = System.currentTimeMillis() + 10_000;
    String text = "pending";
    while (System.currentTimeMillis() < deadline) {
      text = browser.findElement(org.openqa.selenium.By.id("result")).getText();
      if (!text.equals("pending")) break;
      Thread.sleep(50);
    }
    return text;
  }

  @Test
  void anyOriginMayCallTheOpenGatewayWithAnAuthorizationHeader() throws Exception {
    assertThat(callFrom("http://127.0.0.1:" + pages.actualPort(), open)).isEqualTo("ok:Hello from a page");
  }

  @Test
  void aListedOriginSucceedsAndAnUnlistedOneIsBlockedByTheBrowser() throws Exception {
    assertThat(callFrom("http://localhost:" + pages.actualPort(), restricted)).isEqualTo("ok:Hello from a page");
    assertThat(callFrom("http://127.0.0.1:" + pages.actualPort(), restricted)).isEqualTo("blocked:TypeError");
  }
}

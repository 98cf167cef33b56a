package io.recllm.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.Browser;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/** The usage dashboard in headless Chromium, checked against what /v1/usage reports. */
class DashboardBrowserTest {

  static GatewayHarness gw;
  static GatewayHarness locked;
  static ChromeDriver browser;
  static final Path SHOTS = Path.of("target", "screenshots");

  @BeforeAll
  static void start() throws Exception {
    String yaml = """
        usage: { store: memory }
        providers:
          mock:  { type: mock }
          local: { type: mock, delay_ms: 5 }
        pricing:
          echo: { input: 2.5, output: 10 }
          llama3: { input: 0.2, output: 0.6 }
        """;
    gw = GatewayHarness.start(yaml, Map.of());
    locked = GatewayHarness.start(yaml + "api_key: dash-key\n", Map.of());
    browser = Browser.start(1280, 900);
    Files.createDirectories(SHOTS);
    traffic(gw, 5, 2, 3);
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
    gw.close();
    locked.close();
  }

  static void traffic(GatewayHarness target, int echo, int errors, int streams, String... auth) throws Exception {
    for (int i = 0; i < echo; i++) {
      target.post("/v1/chat/completions", chat("mock:echo", "hello number " + i, false), auth);
    }
    for (int i = 0; i < errors; i++) target.post("/v1/chat/completions", chat("mock:error-500", "boom", false), auth);
    for (int i = 0; i < streams; i++) {
      target.post("/v1/chat/completions", chat("local:llama3", "streamed words " + i, true), auth);
    }
  }

  static String chat(String model, String text, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
  }

  static String today() {
    return LocalDate.now(ZoneOffset.UTC).toString();
  }

  static JsonNode usage(GatewayHarness target, String query, String... auth) throws Exception {
    return Json.MAPPER.readTree(target.get("/v1/usage?" + query, auth).body());
  }

  static String rangeQuery() {
    return "from=" + LocalDate.now(ZoneOffset.UTC).minusDays(6) + "&to=" + today();
  }

  static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (condition.getAsBoolean()) return;
      } catch (RuntimeException notYet) {
        // element not rendered yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  static String value(String id) {
    return browser.findElement(By.id(id)).getAttribute("data-value");
  }

  static double number(String id) {
    return Double.parseDouble(value(id));
  }

  @Test
  void totalsTableAndRecentRequestsMatchTheUsageApiAndUpdateLive() throws Exception {
    browser.manage().window().setSize(new Dimension(1280, 900));
    browser.get(gw.baseUrl() + "/dashboard");
    JsonNode range = usage(gw, rangeQuery() + "&group_by=date,provider,model");
    long calls = range.at("/total/calls").asLong();
    assertThat(calls).isEqualTo(10);
    waitFor("range totals", () -> number("range-calls") == calls);

    assertThat(number("range-tokens")).isEqualTo(range.at("/total/total_tokens").asDouble());
    assertThat(number("range-cost")).isEqualTo(range.at("/total/cost_usd").asDouble()).isPositive();
    assertThat(number("range-error-rate")).isEqualTo(2.0 / 10);
    assertThat(number("range-avg-latency")).isEqualTo(range.at("/total/avg_latency_ms").asDouble());
    JsonNode today = usage(gw, "date=" + today() + "&group_by=date");
    assertThat(number("today-calls")).isEqualTo(today.at("/total/calls").asDouble());
    assertThat(browser.findElement(By.id("range-p95-latency")).getText()).isNotBlank();

    // read the whole table in one script call: the page may redraw between two WebDriver calls
    @SuppressWarnings("unchecked")
    Map<String, List<String>> shown = (Map<String, List<String>>) browser.executeScript(
        "const out = {};"
            + "document.querySelectorAll('#usage-table tbody tr').forEach(tr => {"
            + "  out[tr.dataset.key] = [...tr.children].map(td => td.textContent.trim() ? td.dataset.value : '');"
            + "});"
            + "return out;");
    assertThat(shown).hasSize(range.get("data").size());
    String[] columns = {"date", "provider", "model", "calls", "prompt_tokens", "completion_tokens", "total_tokens",
        "cost_usd", "avg_latency_ms"};
    for (JsonNode r : range.get("data")) {
      String key = r.get("date").asText() + "|" + r.get("provider").asText() + "|" + r.get("model").asText();
      List<String> cells = shown.get(key);
      assertThat(cells).as("row " + key).isNotNull().hasSize(columns.length);
      for (int i = 0; i < columns.length; i++) {
        if (i < 3) assertThat(cells.get(i)).isEqualTo(r.get(columns[i]).asText());
        else assertThat(Double.parseDouble(cells.get(i))).as(columns[i] + " of " + key).isEqualTo(r.get(columns[i]).asDouble());
      }
    }

    List<WebElement> recent = browser.findElements(By.cssSelector("#requests-table tbody tr"));
    assertThat(recent).hasSize(10);
    assertThat(browser.findElements(By.cssSelector("#requests-table tbody tr.error"))).hasSize(2);
    shot("dashboard.png");

    browser.executeScript("window.noReloadMarker = 42;");
    traffic(gw, 3, 1, 0);
    waitFor("live update", () -> number("range-calls") == 14);
    assertThat(browser.executeScript("return window.noReloadMarker")).as("the page was not reloaded").isEqualTo(42L);
    assertThat(browser.findElements(By.cssSelector("#requests-table tbody tr"))).hasSize(14);
    assertThat(browser.findElements(By.cssSelector("#requests-table tbody tr.error"))).hasSize(3);
  }

  @Test
  void sortingAndProviderFilter() throws Exception {
    browser.manage().window().setSize(new Dimension(1280, 900));
    browser.get(gw.baseUrl() + "/dashboard/");
    waitFor("table", () -> browser.findElements(By.cssSelector("#usage-table tbody tr")).size() >= 3);
    browser.findElement(By.cssSelector("#usage-table th[data-key='calls']")).click();
    @SuppressWarnings("unchecked")
    List<Object> shownCalls = (List<Object>) browser.executeScript(
        "return [...document.querySelectorAll('#usage-table tbody tr td:nth-child(4)')].map(td => td.dataset.value);");
    List<Double> calls = shownCalls.stream().map(v -> Double.parseDouble(String.valueOf(v))).toList();
    assertThat(calls).isSortedAccordingTo((a, b) -> Double.compare(b, a));

    waitFor("provider options", () -> browser.findElements(By.cssSelector("#filter-provider option")).size() == 3);
    new Select(browser.findElement(By.id("filter-provider"))).selectByValue("local");
    JsonNode local = usage(gw, rangeQuery() + "&provider=local&group_by=date,provider,model");
    waitFor("filtered totals", () -> number("range-calls") == local.at("/total/calls").asDouble());
    assertThat((List<Object>) browser.executeScript(
        "return [...document.querySelectorAll('#usage-table tbody tr td:nth-child(2)')].map(td => td.textContent);"))
        .isNotEmpty().containsOnly((Object) "local");
  }

  @Test
  void phoneWidthAndDarkModeStayReadable() throws Exception {
    browser.manage().window().setSize(new Dimension(390, 844));
    browser.get(gw.baseUrl() + "/dashboard/");
    waitFor("data", () -> number("range-calls") > 0);
    Long overflow = (Long) browser.executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertThat(overflow).as("no sideways scrolling of the page at phone width").isLessThanOrEqualTo(0L);
    shot("dashboard-phone.png");

    browser.manage().window().setSize(new Dimension(1280, 900));
    browser.executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    browser.get(gw.baseUrl() + "/dashboard/");
    waitFor("data", () -> number("range-calls") > 0);
    String background = (String) browser.executeScript("return getComputedStyle(document.body).backgroundColor;");
    assertThat(background).isEqualTo("rgb(21, 22, 26)");
    shot("dashboard-dark.png");
    browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
  }

  @Test
  void withAGatewayKeyThePageAsksForItRefusesAWrongOneAndShowsDataWithTheRightOne() throws Exception {
    traffic(locked, 2, 0, 0, "authorization", "Bearer dash-key");
    browser.manage().window().setSize(new Dimension(1280, 900));
    browser.get(locked.baseUrl() + "/dashboard/");
    browser.executeScript("sessionStorage.clear();");
    browser.navigate().refresh();
    waitFor("login form", () -> browser.findElement(By.id("login")).isDisplayed());
    assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();

    browser.findElement(By.id("login-key")).sendKeys("wrong-key");
    browser.findElement(By.id("login-submit")).click();
    waitFor("refusal", () -> browser.findElement(By.id("login-error")).isDisplayed());
    assertThat(browser.findElement(By.id("login-error")).getText()).contains("Incorrect");
    assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();

    browser.findElement(By.id("login-key")).clear();
    browser.findElement(By.id("login-key")).sendKeys("dash-key");
    browser.findElement(By.id("login-submit")).click();
    JsonNode total = usage(locked, rangeQuery(), "authorization", "Bearer dash-key");
    waitFor("data with the key", () -> browser.findElement(By.id("app")).isDisplayed()
        && number("range-calls") == total.at("/total/calls").asDouble());
    assertThat(number("range-calls")).isEqualTo(2);
    browser.executeScript("sessionStorage.clear();");
  }

  /**
   * Costs of a few nano-USD: JSON numbers like 0.000000021, which a double prints as 2.1e-8 and toFixed(6)
   * as 0.000000. The page shows the gateway's decimal text as it is.
   */
  @Test
  void tinyCostsShowAsTheExactPlainDecimalsTheApiSent() throws Exception {
    try (GatewayHarness cheap = GatewayHarness.start("""
        usage: { store: memory }
        providers:
          mock: { type: mock }
        pricing:
          echo: { input: 0.0001, output: 0.0003 }
        """, Map.of())) {
      traffic(cheap, 3, 0, 0);
      browser.manage().window().setSize(new Dimension(1280, 900));
      browser.get(cheap.baseUrl() + "/dashboard/");
      waitFor("range totals", () -> number("range-calls") == 3);
      String body = cheap.get("/v1/usage?" + rangeQuery() + "&group_by=date,provider,model").body();
      String total = Json.MAPPER.readTree(body).at("/total/cost_usd").decimalValue().toPlainString();
      assertThat(total).startsWith("0.0000000");
      assertThat(body).contains("\"cost_usd\":" + total);

      assertThat(value("range-cost")).isEqualTo(total);
      assertThat(browser.findElement(By.id("range-cost")).getText()).isEqualTo("$" + total);
      @SuppressWarnings("unchecked")
      List<String> shown = (List<String>) browser.executeScript(
          "return [...document.querySelectorAll('#usage-table tbody td:nth-child(8), #requests-table tbody td:nth-child(7)')]"
              + ".map(td => td.textContent);");
      assertThat(shown).hasSize(4).allSatisfy(text -> assertThat(text).matches("\\$0\\.0000000\\d+"));
      assertThat(String.join(" ", shown)).doesNotContainIgnoringCase("e-");
    }
  }

  /** The cache's hit rate and the money it saved, from /v1/usage; a hit and what redaction found, in the request log. */
  @Test
  void cacheHitRateMoneySavedAndPiiCountsMatchTheUsageApi() throws Exception {
    try (GatewayHarness cached = GatewayHarness.start("""
        usage: { store: memory }
        providers:
          mock: { type: mock }
        pricing:
          echo: { input: 2.5, output: 10 }
        cache: { enabled: true }
        pii: { detectors: { email: mask } }
        """, Map.of())) {
      String same = "{\"model\":\"mock:echo\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"same question\"}]}";
      for (int i = 0; i < 3; i++) assertThat(cached.post("/v1/chat/completions", same).statusCode()).isEqualTo(200);
      assertThat(cached.post("/v1/chat/completions", chat("mock:echo", "write to jane.doe@example.com", false)).statusCode())
          .isEqualTo(200);
      browser.manage().window().setSize(new Dimension(1280, 900));
      browser.get(cached.baseUrl() + "/dashboard/");
      waitFor("range totals", () -> number("range-calls") == 4);
      JsonNode total = usage(cached, rangeQuery()).get("total");
      assertThat(total.get("cache_hits").asLong()).isEqualTo(2);
      String saved = total.get("saved_usd").decimalValue().toPlainString();
      assertThat(total.get("saved_usd").decimalValue()).isPositive();

      assertThat(number("range-cache-hit-rate")).isEqualTo(2.0 / 4);
      assertThat(browser.findElement(By.id("range-cache-hit-rate")).getText()).isEqualTo("50.0%");
      assertThat(value("range-saved")).isEqualTo(saved);
      assertThat(browser.findElement(By.id("range-saved")).getText()).isEqualTo("$" + saved);
      assertThat(value("today-cache-hit-rate")).isEqualTo(value("range-cache-hit-rate"));

      @SuppressWarnings("unchecked")
      List<String> cacheCells = (List<String>) browser.executeScript(
          "return [...document.querySelectorAll('#requests-table tbody td:nth-child(11)')].map(td => td.textContent);");
      assertThat(cacheCells).containsExactly("", "hit", "hit", "");
      @SuppressWarnings("unchecked")
      List<String> piiCells = (List<String>) browser.executeScript(
          "return [...document.querySelectorAll('#requests-table tbody td:nth-child(12)')].map(td => td.textContent);");
      assertThat(piiCells).containsExactly("email=1", "", "", "");
      assertThat(browser.getPageSource()).doesNotContain("jane.doe@example.com");
      shot("dashboard-cache.png");
    }
  }

  static void shot(String name) throws Exception {
    Files.write(SHOTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
  }
}

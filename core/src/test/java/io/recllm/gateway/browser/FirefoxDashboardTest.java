package io.recllm.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.Firefox;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard in headless Firefox too, at laptop and phone widths. */
class FirefoxDashboardTest {

  static GatewayHarness gw;
  static Firefox firefox;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayHarness.start("usage: { store: memory }\npricing: { echo: { input: 2.5, output: 10 } }\n", Map.of());
    for (int i = 0; i < 4; i++) {
      gw.post("/v1/chat/completions", "{\"model\":\"mock:echo\",\"messages\":[{\"role\":\"user\",\"content\":\"firefox " + i + "\"}]}");
    }
    gw.post("/v1/chat/completions", "{\"model\":\"mock:error-503\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    firefox = Firefox.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (firefox != null) firefox.close();
    gw.close();
  }

  @Test
  void showsTheSameNumbersAsTheUsageApiAtLaptopAndPhoneWidths() throws Exception {
    String range = "from=" + LocalDate.now(ZoneOffset.UTC).minusDays(6) + "&to=" + LocalDate.now(ZoneOffset.UTC);
    JsonNode api = Json.MAPPER.readTree(gw.get("/v1/usage?" + range + "&group_by=date,provider,model").body());
    for (int[] size : new int[][] {{1280, 900}, {390, 844}}) {
      firefox.viewport(size[0], size[1]);
      firefox.navigate(gw.baseUrl() + "/dashboard/");
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline
          && !"5".equals(firefox.eval("document.getElementById('range-calls')?.dataset.value ?? ''").asText())) {
        Thread.sleep(50);
      }
      assertThat(firefox.eval("document.getElementById('range-calls').dataset.value").asText())
          .isEqualTo(api.at("/total/calls").asText());
      assertThat(firefox.eval("Number(document.getElementById('range-cost').dataset.value)").asDouble())
          .isEqualTo(api.at("/total/cost_usd").asDouble());
      assertThat(firefox.eval("document.querySelectorAll('#usage-table tbody tr').length").asInt())
          .isEqualTo(api.get("data").size());
      assertThat(firefox.eval("document.querySelectorAll('#requests-table tbody tr.error').length").asInt()).isEqualTo(1);
      assertThat(firefox.eval("document.querySelectorAll('#chart-requests canvas').length").asInt()).isEqualTo(1);
      assertThat(firefox.eval("document.documentElement.scrollWidth - document.documentElement.clientWidth").asInt())
          .as("no sideways scrolling at width " + size[0]).isLessThanOrEqualTo(0);
      Path shots = Files.createDirectories(Path.of("target", "screenshots"));
      Files.write(shots.resolve("dashboard-firefox-" + size[0] + ".png"), firefox.screenshot());
    }
  }
}

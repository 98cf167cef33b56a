package io.recllm.gateway.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PiiSectionTest {

  private static GatewayConfig load(String yaml) {
    return ConfigLoader.load(yaml, Map.of()); // the section is found through its service line
  }

  @Test
  void readsModesAndCustomPatterns() {
    PiiSettings s = load("""
        pii:
          detectors: { email: restore, ssn: block, ip: off }
          custom: [ { name: employee_id, regex: "EMP-[0-9]{6}", mode: mask } ]
        """).section(PiiSection.SECTION);
    assertThat(s.mode("email")).isEqualTo(PiiMode.RESTORE);
    assertThat(s.mode("ssn")).isEqualTo(PiiMode.BLOCK);
    assertThat(s.mode("ip")).isEqualTo(PiiMode.OFF);
    assertThat(s.mode("phone")).isEqualTo(PiiMode.OFF);
    assertThat(s.custom()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("employee_id");
      assertThat(c.mode()).isEqualTo(PiiMode.MASK);
    });
    assertThat(s.enabled()).isTrue();
  }

  @Test
  void offByDefault() {
    assertThat(load("port: 4001").section(PiiSection.SECTION).enabled()).isFalse();
    assertThat(load("pii: { detectors: { email: off } }").section(PiiSection.SECTION).enabled()).isFalse();
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> load("pii: { detectors: { email: hide } }")).isInstanceOf(ConfigException.class)
        .hasMessage("pii.detectors.email: must be one of off, mask, block, restore, got \"hide\"");
    assertThatThrownBy(() -> load("pii: { detectors: { passport: mask } }")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("pii.detectors.passport: unknown key");
    assertThatThrownBy(() -> load("pii: { custom: [ { name: x, regex: \"[a-\" } ] }")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("pii.custom[0].regex: not a valid regular expression");
    assertThatThrownBy(() -> load("pii: { detectors: { email: mask }, routes: { nowhere: off } }"))
        .isInstanceOf(ConfigException.class).hasMessage("pii.routes.nowhere: no route named \"nowhere\" under routes (configured: none)");
    assertThatThrownBy(() -> load("pii: { keys: { bot: { detectors: { passport: mask } } } }"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("pii.keys.bot.detectors.passport: unknown key");
    assertThatThrownBy(() -> load("pii: { keys: { bot: mask } }"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("pii.keys.bot: must be off or a mapping");
  }

  @Test
  void aKeyOrRouteThatTurnsADetectorOnEnablesTheStep() {
    PiiSettings s = load("pii: { keys: { support: { detectors: { email: mask } } } }").section(PiiSection.SECTION);
    assertThat(s.enabled()).isTrue();
    assertThat(s.runs()).as("but not for other callers").isFalse();
    assertThat(s.keys().get("support").detectors()).containsEntry("email", PiiMode.MASK);
  }
}

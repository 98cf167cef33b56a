package io.recllm.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A section owned by another package plugs into the loader: its keys, its reading, its defaults. */
class ConfigSectionTest {

  /** Settings of a made-up section: a greeting, and a weight per provider that sets one. */
  record Greeting(String text, Map<String, Long> weights) {}

  static final class GreetingSection implements ConfigSection<Greeting> {
    static final Greeting DEFAULT = new Greeting("hello", Map.of());

    @Override public Set<String> topKeys() { return Set.of("greeting"); }

    @Override public Set<String> providerKeys() { return Set.of("weight"); }

    @Override public Greeting read(ConfigNode root, Set<String> providers) {
      Map<String, Long> weights = new LinkedHashMap<>();
      for (String p : providers) {
        ConfigNode provider = root.child("providers").child(p);
        if (provider.has("weight")) weights.put(p, provider.longValue("weight", 1, 100, 1));
      }
      if (!root.has("greeting") && weights.isEmpty()) return null; // the defaults apply
      ConfigNode g = root.child("greeting");
      g.checkKeys(Set.of("text"));
      return new Greeting(g.string("text", DEFAULT.text()), Map.copyOf(weights));
    }

    @Override public Greeting defaults() { return DEFAULT; }
  }

  private static final GreetingSection SECTION = new GreetingSection();

  private static GatewayConfig load(String yaml) {
    return ConfigLoader.load(yaml, Map.of(), List.of(SECTION));
  }

  @Test
  void readsItsTopLevelAndProviderKeys() {
    GatewayConfig config = load("""
        greeting: { text: bonjour }
        providers:
          mock: { type: mock, weight: 7 }
        """);
    assertThat(config.section(SECTION)).isEqualTo(new Greeting("bonjour", Map.of("mock", 7L)));
  }

  @Test
  void absentSectionGivesItsDefaults() {
    assertThat(load("port: 4001").section(SECTION)).isSameAs(GreetingSection.DEFAULT);
    assertThat(ConfigLoader.fromEnvironment(Map.of()).section(SECTION)).isSameAs(GreetingSection.DEFAULT);
  }

  @Test
  void badValuesAreReportedWithTheirKeyPath() {
    assertThatThrownBy(() -> load("greeting: { text: hi, colour: red }"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("greeting.colour: unknown key (known keys under greeting: text)");
    assertThatThrownBy(() -> load("providers: { mock: { type: mock, weight: heavy } }"))
        .isInstanceOf(ConfigException.class).hasMessage("providers.mock.weight: must be a whole number, got \"heavy\"");
  }

  @Test
  void itsKeysAreUnknownWithoutIt() {
    assertThatThrownBy(() -> ConfigLoader.load("greeting: { text: hi }", Map.of(), List.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("greeting: unknown key");
    assertThatThrownBy(() -> ConfigLoader.load("providers: { mock: { type: mock, weight: 2 } }", Map.of(), List.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("providers.mock.weight: unknown key");
  }

  @Test
  void topLevelUnknownKeyListsTheSectionsKeysToo() {
    assertThatThrownBy(() -> load("gretting: { text: hi }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("greeting").hasMessageStartingWith("gretting: unknown key");
  }

  @Test
  void aConfigBuiltInCodeCarriesASectionAndKeepsItThroughCopies() {
    Greeting hi = new Greeting("hi", Map.of());
    GatewayConfig config = load("port: 4001").toBuilder().section(SECTION, hi).build();
    assertThat(config.section(SECTION)).isSameAs(hi);
    assertThat(config.withPort(0).section(SECTION)).isSameAs(hi);
    assertThat(config.withPort(0).port()).isZero();
  }
}

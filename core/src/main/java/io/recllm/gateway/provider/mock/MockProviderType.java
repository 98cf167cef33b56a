package io.recllm.gateway.provider.mock;

import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderContext;
import io.recllm.gateway.provider.ProviderType;
import java.util.Set;

/** {@code type: mock}: answers in process, so it needs no {@code base_url} and no key. */
public final class MockProviderType implements ProviderType<MockSettings> {

  public static final String NAME = "mock";
  private static final long MAX_DELAY_MS = 3_600_000;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean callsUpstream() {
    return false;
  }

  @Override
  public Set<String> settingsKeys() {
    return Set.of("delay_ms", "stream_delay_ms");
  }

  @Override
  public MockSettings readSettings(ConfigNode provider) {
    return new MockSettings(
        provider.longValue("delay_ms", 0, MAX_DELAY_MS, 0),
        provider.longValue("stream_delay_ms", 0, MAX_DELAY_MS, 0));
  }

  @Override
  public ProviderClient create(ProviderConfig config, MockSettings settings, ProviderContext context) {
    return new MockClient(context.vertx(), config, settings != null ? settings : MockSettings.NONE);
  }
}

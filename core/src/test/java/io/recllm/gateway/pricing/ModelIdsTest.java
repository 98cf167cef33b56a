package io.recllm.gateway.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelIdsTest {

  @Test
  void stripsSnapshotDatesAndLatest() {
    assertThat(ModelIds.withoutSnapshotSuffix("gpt-4o-2024-08-06")).isEqualTo("gpt-4o");
    assertThat(ModelIds.withoutSnapshotSuffix("claude-3-5-sonnet-20241022")).isEqualTo("claude-3-5-sonnet");
    assertThat(ModelIds.withoutSnapshotSuffix("claude-sonnet-4-5-20250929")).isEqualTo("claude-sonnet-4-5");
    assertThat(ModelIds.withoutSnapshotSuffix("claude-3-7-sonnet-latest")).isEqualTo("claude-3-7-sonnet");
  }

  @Test
  void leavesOtherSuffixesAlone() {
    assertThat(ModelIds.withoutSnapshotSuffix("gpt-4o-mini")).isNull();
    assertThat(ModelIds.withoutSnapshotSuffix("gpt-4-0613")).isNull();
    assertThat(ModelIds.withoutSnapshotSuffix("claude-opus-4-1")).isNull();
    assertThat(ModelIds.withoutSnapshotSuffix("model-12345678")).isNull();
    assertThat(ModelIds.withoutSnapshotSuffix("model-2024-13-01")).isNull();
    assertThat(ModelIds.withoutSnapshotSuffix("-latest")).isNull();
    assertThat(ModelIds.withoutSnapshotSuffix("20241022")).isNull();
  }

  @Test
  void findsTheBaseOfAFineTune() {
    assertThat(ModelIds.fineTuneBase("ft:gpt-4o-mini-2024-07-18:acme::AbC123")).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(ModelIds.fineTuneBase("ft:gpt-3.5-turbo")).isEqualTo("gpt-3.5-turbo");
    assertThat(ModelIds.fineTuneBase("gpt-4o")).isNull();
    assertThat(ModelIds.fineTuneBase("ft::acme")).isNull();
  }
}

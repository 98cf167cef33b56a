package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An upstream's retry-after-ms reaches the gateway as a fraction of a second; clients get whole seconds. */
class RetryAfterHeaderTest {

  @Test
  void fractionsAreRoundedUpToWholeSeconds() {
    assertThat(ErrorResponses.wholeSeconds("1.5")).isEqualTo("2");
    assertThat(ErrorResponses.wholeSeconds("0.02")).isEqualTo("1");
    assertThat(ErrorResponses.wholeSeconds("3.000")).isEqualTo("3");
  }

  @Test
  void wholeSecondsAndDatesPassAsTheyAre() {
    assertThat(ErrorResponses.wholeSeconds("30")).isEqualTo("30");
    assertThat(ErrorResponses.wholeSeconds("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo("Wed, 21 Oct 2015 07:28:00 GMT");
  }
}

package io.recllm.gateway.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.usage.UsageRecord;
import io.recllm.gateway.usage.UsageSink;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallListenerTest {

  /** A sink that is also a listener, noting which of its two doors each record came through. */
  static final class Both implements UsageSink, CallListener {
    final List<String> seen = new ArrayList<>();

    @Override
    public void record(UsageRecord record) {
      seen.add("record " + record.requestId());
    }

    @Override
    public void finished(Call call, UsageRecord record) {
      seen.add("finished " + call.requestId() + " " + record.requestId());
    }
  }

  @Test
  void aListenerGetsTheCallWithItsRecordAndPlainSinksGetTheRecord() {
    Both listener = new Both();
    List<UsageRecord> plain = new ArrayList<>();
    CallOutcome outcome = new CallOutcome(GatewayConfig.defaults(), Pricing.builtIn(), List.of(listener, plain::add));
    Call call = Call.builder("req-7", new ModelRef("openai", "gpt-4o"), Json.object().put("model", "gpt-4o")).build();

    outcome.failed(call, new GatewayException.Internal("boom", null), null, null, null, -1, null, null);

    assertThat(listener.seen).containsExactly("finished req-7 req-7");
    assertThat(plain).singleElement().satisfies(r -> assertThat(r.requestId()).isEqualTo("req-7"));
  }

  @Test
  void aRecordWithNoCallStillReachesAListenerAsAPlainRecord() {
    Both listener = new Both();
    CallOutcome outcome = new CallOutcome(GatewayConfig.defaults(), Pricing.builtIn(), List.of(listener));
    Call call = Call.builder("req-8", new ModelRef("openai", "gpt-4o"), Json.object().put("model", "gpt-4o")).build();
    List<UsageRecord> captured = new ArrayList<>();
    new CallOutcome(GatewayConfig.defaults(), Pricing.builtIn(), List.of(captured::add))
        .failed(call, new GatewayException.Internal("boom", null), null, null, null, -1, null, null);

    outcome.publish(captured.get(0));

    assertThat(listener.seen).containsExactly("record req-8");
  }
}

package io.recllm.gateway.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallChain;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.LlmClient;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the call chain itself costs per call: building the {@link Call} and passing it through a chain
 * with no steps to a client that answers at once, against calling that client directly.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CallChainBench {

  private final ObjectNode body = Json.object().put("model", "gpt-4o");
  private final ModelRef ref = new ModelRef("openai", "gpt-4o");
  private final Future<ChatResult> answer =
      Future.succeededFuture(new ChatResult(Json.object(), TokenUsage.of(3, 4), null));
  private final LlmClient client = (provider, model, request) -> answer;
  private final CallChain chain = new CallChain(List.of(), client);

  @Benchmark
  public Future<ChatResult> direct() {
    return client.chatCompletion(ref.provider(), ref.model(), body);
  }

  @Benchmark
  public Object emptyChain() {
    Call call = Call.builder("req-1", ref, body).totalTimeoutMillis(600_000).build();
    return chain.complete(call).result();
  }
}

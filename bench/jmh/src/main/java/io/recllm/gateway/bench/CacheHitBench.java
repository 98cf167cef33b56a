package io.recllm.gateway.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.cache.CacheSettings;
import io.recllm.gateway.cache.CacheStep;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallChain;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.pricing.Pricing;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The chain's side of a cache hit (key: canonical JSON + SHA-256; entry parsed from the in-memory store)
 * against a chain without the cache whose client answers at once. The full comparison, a hit against a
 * proxied call in CPU per request, is a load run (bench/run.sh with a {@code cache} section and
 * temperature 0), to be made on a quiet machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CacheHitBench {

  private final ModelRef ref = new ModelRef("openai", "gpt-4o-mini");
  private final ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("temperature", 0);
  private final LlmClient client = (provider, model, request) -> {
    ObjectNode answer = Json.object().put("id", "chatcmpl-1").put("object", "chat.completion").put("model", model);
    answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("message")
        .put("role", "assistant").put("content", "The capital of France is Paris.");
    return Future.succeededFuture(new ChatResult(answer, TokenUsage.of(20, 8), null));
  };
  private final CallChain plain = new CallChain(List.of(), client);
  private final CallChain cached = new CallChain(List.of(CacheStep.create(
      new CacheSettings(true, 300, 10_000, null, CacheSettings.DEFAULT_PREFIX, false, false), null, Pricing.builtIn(), null)),
      client);

  {
    body.putArray("messages").addObject().put("role", "user").put("content", "What is the capital of France?");
  }

  @Setup
  public void fill() {
    cached.complete(call()).result();
  }

  private Call call() {
    return Call.builder("req-1", ref, body).totalTimeoutMillis(600_000).build();
  }

  @Benchmark
  public Object proxiedToAnInstantClient() {
    return plain.complete(call()).result();
  }

  @Benchmark
  public Object cacheHit() {
    return cached.complete(call()).result();
  }
}

package io.recllm.gateway.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
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
 * The response side of a non-streaming call: parse the upstream's chat.completion, read its usage
 * (TokenUsage.fromOpenAi), add x_rec_llm and serialise it for the client.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ResponseUsageBench {

  private final byte[] completionBytes = Fixtures.bytes("openai_completion.json");
  private final ObjectNode completion = Fixtures.object("openai_completion.json");

  /** TokenUsage.fromOpenAi on an already parsed body. */
  @Benchmark
  public TokenUsage usageFromParsed() {
    return TokenUsage.fromOpenAi(completion.get("usage"));
  }

  /** OpenAiClient.parseCompletion: the upstream's bytes to a tree. */
  @Benchmark
  public ObjectNode parseCompletion() throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(completionBytes);
  }

  /** Parse, usage, extension, serialise: the whole response-side JSON work of one call. */
  @Benchmark
  public byte[] parseUsageExtendSerialise() throws Exception {
    ObjectNode body = (ObjectNode) Json.MAPPER.readTree(completionBytes);
    TokenUsage usage = TokenUsage.fromOpenAi(body.get("usage"));
    ObjectNode ext = body.putObject("x_rec_llm");
    ext.put("provider", "openai");
    ext.put("latency_ms", 3L);
    ext.put("cost_usd", usage.totalTokens() * 1e-6);
    return Json.MAPPER.writeValueAsBytes(body);
  }
}

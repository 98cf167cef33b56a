package io.recllm.gateway.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.provider.anthropic.AnthropicMapper;
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

/** provider.anthropic.AnthropicMapper: OpenAI request → Anthropic request, Anthropic message → OpenAI completion. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class AnthropicMapperBench {

  private final ObjectNode plainRequest = Fixtures.object("openai_request.json");
  private final ObjectNode toolsRequest = Fixtures.object("openai_request_tools.json");
  private final ObjectNode toolUseMessage = Fixtures.object("anthropic_message_tool_use.json");

  @Benchmark
  public ObjectNode toAnthropicRequest() {
    return AnthropicMapper.toAnthropicRequest(plainRequest, "claude-sonnet-4-5", 4096);
  }

  @Benchmark
  public ObjectNode toAnthropicRequestWithTools() {
    return AnthropicMapper.toAnthropicRequest(toolsRequest, "claude-sonnet-4-5", 4096);
  }

  @Benchmark
  public ObjectNode fromAnthropicResponseToolUse() {
    return AnthropicMapper.fromAnthropicResponse(toolUseMessage, 1_744_043_456L);
  }
}

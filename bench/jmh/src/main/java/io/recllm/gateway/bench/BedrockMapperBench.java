package io.recllm.gateway.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.provider.bedrock.BedrockMapper;
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

/** provider.bedrock.BedrockMapper: OpenAI request → Converse request, Converse answer → OpenAI completion (per call). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class BedrockMapperBench {

  private static final String MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

  private final ObjectNode plainRequest = Fixtures.object("openai_request.json");
  private final ObjectNode toolsRequest = Fixtures.object("openai_request_tools.json");
  private final ObjectNode toolUseAnswer = Fixtures.object("bedrock_converse_tool_use.json");

  @Benchmark
  public ObjectNode toConverseRequest() {
    return BedrockMapper.toConverseRequest(plainRequest, MODEL);
  }

  @Benchmark
  public ObjectNode toConverseRequestWithTools() {
    return BedrockMapper.toConverseRequest(toolsRequest, MODEL);
  }

  @Benchmark
  public ObjectNode fromConverseResponseToolUse() {
    return BedrockMapper.fromConverseResponse(toolUseAnswer, "chatcmpl-bench", MODEL, 1_744_043_456L);
  }

  @Benchmark
  public String path() {
    return BedrockMapper.path(MODEL, true);
  }
}

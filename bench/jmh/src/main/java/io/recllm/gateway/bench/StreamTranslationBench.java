package io.recllm.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.anthropic.AnthropicStreamTranslator;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-event stream work. Anthropic: AnthropicStreamTranslator over whole recorded streams (events
 * already framed) and the chunks serialised as the relay does. OpenAI: the pass-through's per-event
 * JSON parse (OpenAiClient.PassThrough reads every chunk into a tree) over the recorded stream.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class StreamTranslationBench {

  private final List<SseEvent> anthropicText = Fixtures.events("anthropic_stream_text.sse");
  private final List<SseEvent> anthropicTools = Fixtures.events("anthropic_stream_tool_use_parallel.sse");
  private final List<SseEvent> openAi = Fixtures.events("openai_stream.sse");

  @Benchmark
  public void anthropicTextStream(Blackhole bh) {
    translate(anthropicText, bh);
  }

  @Benchmark
  public void anthropicParallelToolStream(Blackhole bh) {
    translate(anthropicTools, bh);
  }

  /** What OpenAiClient.PassThrough does per event: parse data into a tree (the relay then reads fields). */
  @Benchmark
  public void openAiPassThroughParse(Blackhole bh) throws Exception {
    for (SseEvent e : openAi) {
      if (e.data().equals("[DONE]")) continue;
      JsonNode node = Json.MAPPER.readTree(e.data());
      bh.consume(node.get("choices"));
    }
  }

  private static void translate(List<SseEvent> events, Blackhole bh) {
    AnthropicStreamTranslator t = new AnthropicStreamTranslator(1_744_043_456L);
    for (SseEvent e : events) {
      for (ObjectNode chunk : t.onEvent(e)) bh.consume(chunk.toString());
    }
    for (ObjectNode chunk : t.onEnd()) bh.consume(chunk.toString());
  }
}

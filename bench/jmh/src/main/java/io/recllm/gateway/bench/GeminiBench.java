package io.recllm.gateway.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.gemini.GeminiMapper;
import io.recllm.gateway.provider.gemini.GeminiStreamTranslator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * provider.gemini: GeminiMapper per call (OpenAI request → Gemini request, Gemini answer → OpenAI
 * completion) and GeminiStreamTranslator per recorded stream and per event (the chunks serialised as
 * the relay does).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class GeminiBench {

  /** Events in gemini_stream_text.sse, for the per-event figure. */
  static final int TEXT_EVENTS = 3;

  private final ObjectNode plainRequest = Fixtures.object("openai_request.json");
  private final ObjectNode toolsRequest = Fixtures.object("openai_request_tools.json");
  private final ObjectNode toolCallAnswer = Fixtures.object("gemini_generate_tools_thought_signature_call.json");
  private final List<SseEvent> textStream = Fixtures.events("gemini_stream_text.sse");
  private final List<SseEvent> toolStream = Fixtures.events("gemini_stream_tool_call_thought_signature.sse");

  @Setup
  public void check() {
    if (textStream.size() != TEXT_EVENTS) throw new IllegalStateException("gemini_stream_text.sse has " + textStream.size() + " events");
  }

  @Benchmark
  public ObjectNode toGeminiRequest() {
    return GeminiMapper.toGeminiRequest(plainRequest, "gemini-2.5-flash");
  }

  @Benchmark
  public ObjectNode toGeminiRequestWithTools() {
    return GeminiMapper.toGeminiRequest(toolsRequest, "gemini-2.5-flash");
  }

  @Benchmark
  public ObjectNode fromGeminiResponseToolCallWithSignature() {
    return GeminiMapper.fromGeminiResponse(toolCallAnswer, "gemini-2.5-pro", 1_744_043_456L);
  }

  /** The whole recorded text stream divided by its events: the cost per upstream event. */
  @Benchmark
  @OperationsPerInvocation(TEXT_EVENTS)
  public void textStreamPerEvent(Blackhole bh) {
    translate(textStream, bh);
  }

  @Benchmark
  public void toolCallStreamWithSignature(Blackhole bh) {
    translate(toolStream, bh);
  }

  private static void translate(List<SseEvent> events, Blackhole bh) {
    GeminiStreamTranslator t = new GeminiStreamTranslator("gemini-2.5-flash", 1_744_043_456L);
    for (SseEvent e : events) {
      for (ObjectNode chunk : t.onEvent(e)) bh.consume(chunk.toString());
    }
    for (ObjectNode chunk : t.onEnd()) bh.consume(chunk.toString());
  }
}

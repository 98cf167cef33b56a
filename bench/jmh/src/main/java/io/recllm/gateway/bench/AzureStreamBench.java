package io.recllm.gateway.bench;

import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.StreamTranslator;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * provider.azure: the recorded Azure stream with include_usage (14 events: the prompt-filter event
 * first, content chunks with their filter results, usage, [DONE]) per event, through the OpenAI
 * pass-through alone and through AzureStream on top of it, which holds the first event back and moves
 * its filter results onto the next chunk. The difference is what Azure's stream costs over OpenAI's.
 * Both translators are package-private in the gateway, so they are made through their constructors
 * by reflection once per stream (a few tens of ns, included in both figures alike).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class AzureStreamBench {

  static final int EVENTS = 14;

  private final List<SseEvent> events = Fixtures.events("azure_stream_include_usage.sse");
  private Constructor<?> passThrough;
  private Constructor<?> azure;

  @Setup
  public void setUp() throws ReflectiveOperationException {
    if (events.size() != EVENTS) throw new IllegalStateException("azure_stream_include_usage.sse has " + events.size() + " events");
    passThrough = Class.forName("io.recllm.gateway.provider.openai.OpenAiClient$PassThrough").getDeclaredConstructor(String.class);
    passThrough.setAccessible(true);
    azure = Class.forName("io.recllm.gateway.provider.azure.AzureStream").getDeclaredConstructor(StreamTranslator.class);
    azure.setAccessible(true);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void openAiPassThroughPerEvent(Blackhole bh) throws ReflectiveOperationException {
    run((StreamTranslator) passThrough.newInstance("azure"), bh);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void azureStreamPerEvent(Blackhole bh) throws ReflectiveOperationException {
    run((StreamTranslator) azure.newInstance(passThrough.newInstance("azure")), bh);
  }

  private void run(StreamTranslator t, Blackhole bh) {
    // the relay writes text(): the upstream's own text, or the tree serialised when a chunk was changed
    Consumer<ChatChunk> out = c -> bh.consume(c.text());
    for (SseEvent e : events) t.onEvent(e, out);
    t.onEnd(out);
  }
}

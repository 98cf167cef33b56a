package io.recllm.gateway.bench;

import io.recllm.gateway.provider.SseParser;
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
 * provider.SseParser: the recorded OpenAI stream (12 events, 3809 bytes) framed into events, in one
 * buffer and split into 64-byte network reads. Divide by 12 for the cost per event.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SseFramingBench {

  private final byte[] stream = Fixtures.bytes("openai_stream.sse");

  @Benchmark
  public void wholeStreamOneBuffer(Blackhole bh) {
    SseParser parser = new SseParser(bh::consume);
    parser.feed(stream, 0, stream.length);
    parser.end();
  }

  @Benchmark
  public void wholeStream64ByteReads(Blackhole bh) {
    SseParser parser = new SseParser(bh::consume);
    for (int off = 0; off < stream.length; off += 64) {
      parser.feed(stream, off, Math.min(64, stream.length - off));
    }
    parser.end();
  }
}

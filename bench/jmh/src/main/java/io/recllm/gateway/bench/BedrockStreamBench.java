package io.recllm.gateway.bench;

import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.bedrock.BedrockStreamDecoder;
import io.recllm.gateway.provider.bedrock.BedrockStreamTranslator;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * A recorded ConverseStream body (26 event-stream messages: text, a tool call, stop, metadata), per
 * event: framing with CRC checks alone, and framing plus translation into OpenAI chunks, fed in network
 * sized pieces (1 KiB) so messages are split across reads as in production.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class BedrockStreamBench {

  static final int MESSAGES = 26;
  static final int READ = 1024;

  private final byte[] body = Fixtures.bytes("bedrock_converse_stream_tool_use.bin");
  private final List<byte[]> reads = new ArrayList<>();

  public BedrockStreamBench() {
    for (int from = 0; from < body.length; from += READ) {
      byte[] piece = new byte[Math.min(READ, body.length - from)];
      System.arraycopy(body, from, piece, 0, piece.length);
      reads.add(piece);
    }
    List<Message> check = new ArrayList<>();
    new MessageDecoder(check::add).feed(body);
    if (check.size() != MESSAGES) throw new IllegalStateException("expected " + MESSAGES + " messages, got " + check.size());
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void framingPerEvent(Blackhole bh) {
    MessageDecoder decoder = new MessageDecoder(bh::consume);
    for (byte[] read : reads) decoder.feed(read);
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void decodeAndTranslatePerEvent(Blackhole bh) {
    BedrockStreamDecoder decoder = new BedrockStreamDecoder(new BedrockStreamTranslator("chatcmpl-bench", "model", 1L));
    for (byte[] read : reads) decoder.feed(read, (ChatChunk c) -> bh.consume(c));
    decoder.end(bh::consume);
  }
}

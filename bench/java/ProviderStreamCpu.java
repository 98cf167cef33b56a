import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.SseParser;
import io.recllm.gateway.provider.StreamTranslator;
import io.recllm.gateway.provider.bedrock.BedrockMapper;
import io.recllm.gateway.provider.bedrock.BedrockStreamDecoder;
import io.recllm.gateway.provider.bedrock.BedrockStreamTranslator;
import io.recllm.gateway.provider.gemini.GeminiMapper;
import io.recllm.gateway.provider.gemini.GeminiStreamTranslator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * CPU nanoseconds per upstream event of each provider's stream path, and per call of the Gemini and
 * Bedrock request mappers, in thread CPU time: the JMH benches' work, measured so that other load on
 * a shared machine barely moves it (JMH's wall-clock scores do not survive a load average of 15 on two
 * cores). A stream is its recorded bytes, framed (SSE parser, or the event-stream decoder with its CRC
 * checks, fed in 1 KiB reads), translated into OpenAI chunks (the OpenAI and Azure pass-through, or the
 * Gemini and Bedrock translators, through the same plumbing the clients use) and each chunk's text taken
 * as the relay writes it. The fake upstream's streams of {@code bench/run.sh --providers} are used, so
 * the figures sit next to that run's CPU per event.
 *
 * <pre>java -cp server/target/rec-llm-gateway-*-all.jar bench/java/ProviderStreamCpu.java [--seconds N]</pre>
 */
public class ProviderStreamCpu {

  static final Path FIXTURES = Path.of("bench/fixtures");
  static final Path JMH_FIXTURES = Path.of("bench/jmh/src/main/resources/fixtures");
  static long sink;

  public static void main(String[] args) throws Exception {
    double seconds = args.length == 2 && args[0].equals("--seconds") ? Double.parseDouble(args[1]) : 3;
    byte[] openAi = Files.readAllBytes(FIXTURES.resolve("chat_completion.sse"));
    byte[] gemini = Files.readAllBytes(FIXTURES.resolve("gemini_stream.sse"));
    byte[] bedrock = Files.readAllBytes(FIXTURES.resolve("bedrock_converse_stream.bin"));
    byte[] azure = Files.readAllBytes(JMH_FIXTURES.resolve("azure_stream_include_usage.sse"));
    ObjectNode plain = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(JMH_FIXTURES.resolve("openai_request.json")));
    ObjectNode tools = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(JMH_FIXTURES.resolve("openai_request_tools.json")));
    Constructor<?> passThrough = Class.forName("io.recllm.gateway.provider.openai.OpenAiClient$PassThrough")
        .getDeclaredConstructor(String.class);
    passThrough.setAccessible(true);
    Constructor<?> azureStream = Class.forName("io.recllm.gateway.provider.azure.AzureStream")
        .getDeclaredConstructor(StreamTranslator.class);
    azureStream.setAccessible(true);

    System.out.printf("%-44s %8s %12s %12s%n", "workload", "events", "ns/stream", "ns/event");
    stream("OpenAI SSE, pass-through", 12, seconds,
        () -> sse(openAi, (StreamTranslator) passThrough.newInstance("openai")));
    stream("Azure SSE, pass-through + AzureStream", 14, seconds,
        () -> sse(azure, (StreamTranslator) azureStream.newInstance(passThrough.newInstance("azure"))));
    stream("Gemini SSE, GeminiStreamTranslator", 8, seconds,
        () -> sse(gemini, new GeminiStreamTranslator("gemini-2.5-flash", 1_744_043_456L).plumbing()));
    stream("Bedrock event stream, decoder + translator", 12, seconds, () -> {
      BedrockStreamDecoder decoder = new BedrockStreamDecoder(
          new BedrockStreamTranslator("chatcmpl-bench", "us.amazon.nova-micro-v1:0", 1_744_043_456L));
      Consumer<ChatChunk> out = c -> sink += c.text().length();
      for (int from = 0; from < bedrock.length; from += 1024) {
        byte[] piece = java.util.Arrays.copyOfRange(bedrock, from, Math.min(bedrock.length, from + 1024));
        decoder.feed(piece, out);
      }
      decoder.end(out);
    });
    System.out.printf("%n%-44s %8s %12s%n", "per call", "", "ns/call");
    call("GeminiMapper.toGeminiRequest (plain)", seconds, () -> sink += GeminiMapper.toGeminiRequest(plain, "gemini-2.5-flash").size());
    call("GeminiMapper.toGeminiRequest (tools)", seconds, () -> sink += GeminiMapper.toGeminiRequest(tools, "gemini-2.5-flash").size());
    call("BedrockMapper.toConverseRequest (plain)", seconds,
        () -> sink += BedrockMapper.toConverseRequest(plain, "us.amazon.nova-micro-v1:0").size());
    call("BedrockMapper.toConverseRequest (tools)", seconds,
        () -> sink += BedrockMapper.toConverseRequest(tools, "us.amazon.nova-micro-v1:0").size());
    if (sink == 42) System.out.println();
  }

  interface Work {
    void run() throws Exception;
  }

  static void sse(byte[] body, StreamTranslator t) {
    Consumer<ChatChunk> out = c -> sink += c.text().length();
    SseParser parser = new SseParser(e -> t.onEvent(e, out));
    parser.feed(body);
    parser.end();
    t.onEnd(out);
  }

  static void stream(String name, int events, double seconds, Work w) throws Exception {
    double ns = measure(seconds, w);
    System.out.printf("%-44s %8d %12.0f %12.0f%n", name, events, ns, ns / events);
  }

  static void call(String name, double seconds, Work w) throws Exception {
    System.out.printf("%-44s %8s %12.0f%n", name, "", measure(seconds, w));
  }

  /** Thread CPU ns per run of w: a warm-up of the same CPU time first, then the median of five slices. */
  static double measure(double seconds, Work w) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long warm = mx.getCurrentThreadCpuTime() + (long) (seconds * 1e9);
    while (mx.getCurrentThreadCpuTime() < warm) {
      for (int i = 0; i < 100; i++) w.run();
    }
    double[] slices = new double[5];
    for (int s = 0; s < slices.length; s++) {
      long cpu0 = mx.getCurrentThreadCpuTime();
      long n = 0;
      long end = cpu0 + (long) (seconds * 1e9 / slices.length);
      while (mx.getCurrentThreadCpuTime() < end) {
        for (int i = 0; i < 100; i++) w.run();
        n += 100;
      }
      slices[s] = (double) (mx.getCurrentThreadCpuTime() - cpu0) / n;
    }
    java.util.Arrays.sort(slices);
    return slices[slices.length / 2];
  }
}

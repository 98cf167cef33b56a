package io.recllm.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * The request side of a pass-through call, as ChatCompletionsHandler and OpenAiClient do it: parse the
 * client's body once, then a shallow copy with the model replaced (and, for streams, stream_options
 * with include_usage) serialised for the upstream.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RequestRewriteBench {

  private final byte[] plainBytes = Fixtures.bytes("openai_request.json");
  private final byte[] toolsBytes = Fixtures.bytes("openai_request_tools.json");
  private final ObjectNode plain = Fixtures.object("openai_request.json");
  private final ObjectNode tools = Fixtures.object("openai_request_tools.json");
  private final ObjectNode stream = Fixtures.object("openai_stream_request.json");

  /** ChatCompletionsHandler.parse: the client's bytes to a tree. */
  @Benchmark
  public JsonNode parseRequest() throws Exception {
    return Json.MAPPER.readTree(plainBytes);
  }

  @Benchmark
  public JsonNode parseRequestWithTools() throws Exception {
    return Json.MAPPER.readTree(toolsBytes);
  }

  /** OpenAiClient.chat: shallow copy + model put + serialise. */
  @Benchmark
  public byte[] rewrite() throws Exception {
    return rewrite(plain);
  }

  @Benchmark
  public byte[] rewriteWithTools() throws Exception {
    return rewrite(tools);
  }

  /** OpenAiClient.stream: as above plus stream and stream_options.include_usage. */
  @Benchmark
  public byte[] rewriteStream() throws Exception {
    ObjectNode body = stream.objectNode();
    body.setAll(stream);
    body.put("model", "gpt-4o");
    body.put("stream", true);
    ObjectNode streamOptions = body.objectNode();
    JsonNode clientOptions = stream.get("stream_options");
    if (clientOptions instanceof ObjectNode o) streamOptions.setAll(o);
    streamOptions.put("include_usage", true);
    body.set("stream_options", streamOptions);
    return Json.MAPPER.writeValueAsBytes(body);
  }

  /** Parse + rewrite + serialise: the whole request-side JSON work of one non-streaming call. */
  @Benchmark
  public byte[] parseAndRewrite() throws Exception {
    return rewrite((ObjectNode) Json.MAPPER.readTree(plainBytes));
  }

  private static byte[] rewrite(ObjectNode request) throws Exception {
    ObjectNode body = request.objectNode();
    body.setAll(request);
    body.put("model", "gpt-4o");
    return Json.MAPPER.writeValueAsBytes(body);
  }
}

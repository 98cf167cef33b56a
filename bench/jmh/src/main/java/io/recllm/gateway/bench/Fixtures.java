package io.recllm.gateway.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Recorded wire transcripts (copied from the project's shared fixtures) as bytes, trees and events. */
final class Fixtures {

  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) throw new IllegalStateException("missing fixture " + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode object(String name) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(bytes(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<SseEvent> events(String name) {
    List<SseEvent> out = new ArrayList<>();
    SseParser parser = new SseParser(out::add);
    parser.feed(bytes(name));
    parser.end();
    return out;
  }
}

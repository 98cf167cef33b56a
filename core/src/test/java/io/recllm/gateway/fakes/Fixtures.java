package io.recllm.gateway.fakes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Recorded wire data under src/test/resources/fixtures (copied from the project's shared fixtures). */
public final class Fixtures {
  private Fixtures() {}

  public static String read(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
      if (in == null) throw new IllegalArgumentException("no fixture " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixture's exact bytes (binary wire data such as an AWS event stream). */
  public static byte[] bytes(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
      if (in == null) throw new IllegalArgumentException("no fixture " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code data:} payloads of an SSE transcript, in order. */
  public static java.util.List<String> sseData(String text) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String line : text.split("\r?\n")) {
      if (line.startsWith("data: ")) out.add(line.substring(6));
      else if (line.startsWith("data:")) out.add(line.substring(5));
    }
    return out;
  }
}

package io.recllm.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/** Accepts a sane client {@code X-Request-Id} or makes one, and returns it on every response. */
final class RequestIds {

  static final String HEADER = "x-request-id";
  private static final String KEY = "recllm.requestId";
  private static final int MAX_LENGTH = 128;

  private RequestIds() {}

  static void assign(RoutingContext ctx) {
    String id = ctx.request().getHeader(HEADER);
    if (!acceptable(id)) id = generate();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id != null ? id : generate();
  }

  static boolean acceptable(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) return false;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) return false; // printable ASCII only: it goes into logs and headers
    }
    return true;
  }

  static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }
}

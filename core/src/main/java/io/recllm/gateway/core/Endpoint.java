package io.recllm.gateway.core;

/**
 * The APIs a client can call through the gateway. {@link #id()} is the name usage, metrics, the access
 * log and telemetry events record ({@code endpoint}); {@link #operation()} is the OpenTelemetry GenAI
 * operation name ({@code gen_ai.operation.name}) for spans and the GenAI metrics.
 */
public enum Endpoint {
  CHAT("chat", "chat"),
  EMBEDDINGS("embeddings", "embeddings"),
  COMPLETIONS("completions", "text_completion"),
  MESSAGES("messages", "chat"),
  RESPONSES("responses", "chat");

  private final String id;
  private final String operation;

  Endpoint(String id, String operation) {
    this.id = id;
    this.operation = operation;
  }

  public String id() {
    return id;
  }

  public String operation() {
    return operation;
  }

  /** The endpoint named {@code id}; null reads as chat, what every call was before there were others. */
  public static Endpoint of(String id) {
    if (id == null) return CHAT;
    for (Endpoint e : values()) if (e.id.equals(id)) return e;
    throw new IllegalArgumentException("unknown endpoint: " + id);
  }

  /** The GenAI operation name for an endpoint id; an id this build does not know is its own name. */
  public static String operationOf(String id) {
    if (id == null) return CHAT.operation;
    for (Endpoint e : values()) if (e.id.equals(id)) return e.operation;
    return id;
  }
}

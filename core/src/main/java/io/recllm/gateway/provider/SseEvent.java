package io.recllm.gateway.provider;

/** One server-sent event: {@code event} is null when the field was absent; {@code data} lines joined by LF. */
public record SseEvent(String event, String data, String id) {}

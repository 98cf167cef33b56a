package io.recllm.gateway.call;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.ModelRef;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One client request from the moment it was parsed until its outcome is recorded: what the client
 * asked for, who asked, by when it must be done, every upstream try made for it and which provider
 * and model finally answered. Steps read and change it as it passes through the {@link CallChain};
 * telemetry, usage and the access log read it instead of finding the call again.
 *
 * <p>A call belongs to the event loop that received it: steps and callbacks run there, so nothing
 * here is synchronised.
 */
public final class Call {

  private final String requestId;
  private final Caller caller;
  private final ModelRef requested;
  private final boolean stream;
  private final long startNanos;
  private final long deadlineNanos;
  private MultiMap headers;
  private final String endpoint;
  private final ObjectNode clientBody;
  private ObjectNode body;
  private ModelRef target;
  private ModelRef answeredBy;
  private List<Attempt> attempts;
  private Object[] attributes; // key, value, key, value ...: a handful at most, so a scan beats a map

  private Call(Builder b) {
    this.requestId = b.requestId;
    this.caller = b.caller;
    this.requested = b.requested;
    this.body = b.body;
    this.clientBody = b.body;
    this.stream = b.stream;
    this.startNanos = b.startNanos;
    this.deadlineNanos = b.deadlineNanos;
    this.headers = b.headers;
    this.endpoint = b.endpoint;
    this.target = b.requested;
  }

  public static Builder builder(String requestId, ModelRef requested, ObjectNode body) {
    return new Builder(requestId, requested, body);
  }

  public String requestId() { return requestId; }

  public Caller caller() { return caller; }

  /** The provider and model the client named. */
  public ModelRef requested() { return requested; }

  /** The body as it goes upstream: the client's parsed body, unless a step replaced it. */
  public ObjectNode body() { return body; }

  /** The body as the client sent it, whatever steps did to {@link #body()}. */
  public ObjectNode clientBody() { return clientBody; }

  /** Replaces the body for the steps after this one and the provider; the client's own stays as it was. */
  public void body(ObjectNode newBody) {
    if (newBody == null) throw new IllegalArgumentException("body is null");
    this.body = newBody;
  }

  public boolean stream() { return stream; }

  /** When the gateway received the request ({@link System#nanoTime()}). */
  public long startNanos() { return startNanos; }

  /** When the call must be over ({@link System#nanoTime()}), or {@link Long#MAX_VALUE} for no deadline. */
  public long deadlineNanos() { return deadlineNanos; }

  /** Nanoseconds left before the deadline (negative once it passed), or {@link Long#MAX_VALUE}. */
  public long remainingNanos() {
    return deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
  }

  /** The client's request headers (trace context), or an empty map for calls made from code. */
  public MultiMap headers() {
    if (headers == null) headers = MultiMap.caseInsensitiveMultiMap(); // only calls made from code get here
    return headers;
  }

  /** Which API the client called: an {@link io.recllm.gateway.core.Endpoint} id, {@code chat} unless set. */
  public String endpoint() { return endpoint; }

  /** Where the next upstream try goes; the requested model unless a routing step chose another. */
  public ModelRef target() { return target; }

  public void target(ModelRef next) {
    if (next == null) throw new IllegalArgumentException("target is null");
    this.target = next;
  }

  /** The provider and model whose answer the client got, or null while none has answered. */
  public ModelRef answeredBy() { return answeredBy; }

  public void answeredBy(ModelRef ref) { this.answeredBy = ref; }

  /** What the call is priced and recorded against: the model that answered, else the last one tried. */
  public ModelRef accountedTo() {
    return answeredBy != null ? answeredBy : target;
  }

  public List<Attempt> attempts() {
    return attempts == null ? List.of() : Collections.unmodifiableList(attempts);
  }

  public void addAttempt(Attempt attempt) {
    if (attempts == null) attempts = new ArrayList<>(2);
    attempts.add(attempt);
  }

  /**
   * The last try, noted as answered when the upstream accepted it, failed before anything reached the
   * client (a stream that broke before its first chunk): it becomes {@code failed}, and nobody has
   * answered yet.
   */
  public void answerFailed(Attempt failed) {
    if (attempts == null || attempts.isEmpty()) return;
    attempts.set(attempts.size() - 1, failed);
    answeredBy = null;
  }

  /**
   * Headers this call sends upstream on every try, over the provider's own (a transform rule's
   * {@code headers}); the innermost link makes them current for the adapter ({@code provider.CallHeaders}).
   */
  public static final Key<io.vertx.core.MultiMap> UPSTREAM_HEADERS = new Key<>("upstream headers");

  /** A typed slot for one step's state on this call. Keys compare by identity: keep one per purpose. */
  public static final class Key<T> {
    private final String name;

    public Key(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    Object[] a = attributes;
    if (a == null) return null;
    for (int i = 0; i < a.length; i += 2) {
      if (a[i] == key) return (T) a[i + 1];
    }
    return null;
  }

  public <T> void put(Key<T> key, T value) {
    Object[] a = attributes;
    if (a == null) {
      attributes = new Object[] {key, value};
      return;
    }
    for (int i = 0; i < a.length; i += 2) {
      if (a[i] == key) {
        a[i + 1] = value;
        return;
      }
    }
    Object[] grown = new Object[a.length + 2];
    System.arraycopy(a, 0, grown, 0, a.length);
    grown[a.length] = key;
    grown[a.length + 1] = value;
    attributes = grown;
  }

  @Override
  public String toString() {
    return "Call[" + requestId + " " + requested.provider() + ":" + requested.model() + (stream ? " stream" : "") + "]";
  }

  public static final class Builder {
    private final String requestId;
    private final ModelRef requested;
    private final ObjectNode body;
    private Caller caller = Caller.ANONYMOUS;
    private boolean stream;
    private long startNanos = System.nanoTime();
    private long totalTimeoutMillis;
    private long deadlineNanos;
    private MultiMap headers;
    private String endpoint = "chat";

    private Builder(String requestId, ModelRef requested, ObjectNode body) {
      if (requested == null) throw new IllegalArgumentException("requested model is null");
      if (body == null) throw new IllegalArgumentException("body is null");
      this.requestId = requestId;
      this.requested = requested;
      this.body = body;
    }

    public Builder caller(Caller c) {
      this.caller = c == null ? Caller.ANONYMOUS : c;
      return this;
    }

    public Builder stream(boolean s) {
      this.stream = s;
      return this;
    }

    public Builder startNanos(long nanos) {
      this.startNanos = nanos;
      return this;
    }

    /** The call's whole budget from its start, e.g. {@code timeouts.total_ms}; 0 or less means none. */
    public Builder totalTimeoutMillis(long millis) {
      this.totalTimeoutMillis = millis;
      return this;
    }

    public Builder headers(MultiMap h) {
      if (h != null) this.headers = h;
      return this;
    }

    public Builder endpoint(String e) {
      this.endpoint = e;
      return this;
    }

    public Call build() {
      deadlineNanos = totalTimeoutMillis <= 0 ? Long.MAX_VALUE : startNanos + totalTimeoutMillis * 1_000_000L;
      return new Call(this);
    }
  }
}

package io.recllm.gateway.call;

/**
 * Who made a call, as authentication established it. Today a call is either anonymous (no gateway key
 * configured) or made with the gateway's master key; virtual keys add their own id and name. Never
 * holds the secret itself.
 */
public record Caller(Kind kind, String keyId, String name) {

  public enum Kind { ANONYMOUS, MASTER, VIRTUAL }

  public static final Caller ANONYMOUS = new Caller(Kind.ANONYMOUS, null, null);
  public static final Caller MASTER = new Caller(Kind.MASTER, null, "master");
}

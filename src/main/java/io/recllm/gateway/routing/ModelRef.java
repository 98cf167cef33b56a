package io.recllm.gateway.routing;

/** Where a call goes: a configured provider name and the model name that provider knows. */
public record ModelRef(String provider, String model) {
  /** The id the gateway shows clients, e.g. {@code anthropic:claude-sonnet-4-5}. */
  public String qualified() {
    return provider + ":" + model;
  }
}

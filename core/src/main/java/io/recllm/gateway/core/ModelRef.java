package io.recllm.gateway.core;

/** Where a call goes: a configured provider name and the model name that provider knows. */
public record ModelRef(String provider, String model) {}

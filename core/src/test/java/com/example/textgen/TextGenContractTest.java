package com.example.textgen;

import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.provider.UpstreamProviderContract;
import io.vertx.core.MultiMap;

/** The provider contract for the example type: the hooks a new adapter implements (it has no tools, so those checks skip). */
class TextGenContractTest extends UpstreamProviderContract {

  @Override
  protected String type() {
    return TextGenProviderType.NAME;
  }

  @Override
  protected String model() {
    return "tg-small";
  }

  @Override
  protected String extraKeys() {
    return ", api_version: \"2025-06\"";
  }

  @Override
  protected Answer plainAnswer() {
    return Answer.text(Fixtures.read("textgen/generate_text.json"), "The capital of France is Paris.", "stop", 9, 7);
  }

  @Override
  protected Answer lengthAnswer() {
    return Answer.text(Fixtures.read("textgen/generate_max_length.json"), "The capital of France is", "length", 9, 5);
  }

  @Override
  protected Answer streamWithUsage() {
    return Answer.text(Fixtures.read("textgen/stream_text.sse"), "Paris is the capital.", "stop", 9, 5);
  }

  @Override
  protected String errorBody(int status) {
    return "{\"detail\":\"TextGen error " + status + "\"}";
  }

  @Override
  protected String rejection(MultiMap headers, String body) {
    if (!KEY.equals(headers.get("x-textgen-key"))) return "x-textgen-key missing or wrong";
    if (!"2025-06".equals(headers.get("textgen-version"))) return "textgen-version is not the configured api_version";
    return null;
  }
}

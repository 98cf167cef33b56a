package io.recllm.gateway.provider.mock;

import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.provider.ProviderContract;
import io.recllm.gateway.provider.TokenCounter;
import java.util.List;
import java.util.Optional;

/**
 * The provider contract for {@code type: mock}. It has no upstream, so the checks of what an upstream
 * receives, of tool calls and of timeouts are skipped; it echoes the question, counts tokens with the
 * tokenizer, and {@code error-<status>} models stand in for upstream errors.
 */
class MockContractTest extends ProviderContract {

  private static final String MOCK_RETRY_AFTER = "1";

  @Override
  protected String providersYaml() {
    return "  " + PROVIDER + ": { type: mock }\n";
  }

  @Override
  protected Expected arrangePlain() {
    Target target = new Target(PROVIDER, "echo");
    long prompt = TokenCounter.countPrompt(json(chatRequest(target, false)).get("messages"));
    return new Expected(target, QUESTION, null, "stop", prompt, TokenCounter.count(QUESTION));
  }

  @Override
  protected Optional<Expected> arrangeFinishing(String finishReason) {
    return finishReason.equals("stop") ? Optional.of(arrangePlain()) : Optional.empty();
  }

  @Override
  protected Optional<Expected> arrangeAnswerAfterToolResult() {
    return Optional.empty();
  }

  @Override
  protected Expected arrangeStream() {
    return arrangePlain();
  }

  @Override
  protected ArrangedError arrangeError(int status) {
    return new ArrangedError(new Target(PROVIDER, "error-" + status), MOCK_RETRY_AFTER);
  }

  @Override
  protected Optional<Target> arrangeStall() {
    return Optional.empty();
  }

  @Override
  protected List<FakeUpstream.Received> upstreamRequests() {
    return null;
  }
}

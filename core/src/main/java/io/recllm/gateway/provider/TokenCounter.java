package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.recllm.gateway.core.TokenUsage;

/**
 * Counts tokens with a real BPE tokenizer (o200k_base, what current OpenAI models use) for the mock
 * provider and for estimating usage when an upstream sends none. Estimates for other model families
 * are approximate by nature; the usage record says so.
 */
public final class TokenCounter {

  private static final class Holder {
    static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
  }

  private TokenCounter() {}

  public static int count(String text) {
    if (text == null || text.isEmpty()) return 0;
    return Holder.ENCODING.countTokensOrdinary(text);
  }

  /** OpenAI's documented accounting for chat input: 3 tokens per message, 1 per name, 3 to prime the reply. */
  public static int countPrompt(JsonNode messages) {
    int tokens = 3;
    if (messages == null || !messages.isArray()) return tokens;
    for (JsonNode m : messages) {
      tokens += 3 + count(m.path("role").asText("")) + count(contentText(m.get("content")));
      if (m.hasNonNull("name")) tokens += 1 + count(m.get("name").asText());
      JsonNode calls = m.get("tool_calls");
      if (calls != null && calls.isArray()) {
        for (JsonNode c : calls) {
          tokens += count(c.path("function").path("name").asText("")) + count(c.path("function").path("arguments").asText(""));
        }
      }
    }
    return tokens;
  }

  /**
   * Usage of a non-streaming answer whose upstream sent none, marked estimated: the request's messages
   * as the prompt, and as the completion what streams count too, every choice's content, reasoning,
   * refusal, and tool call names and arguments.
   */
  public static TokenUsage estimate(JsonNode messages, JsonNode choices) {
    long prompt = countPrompt(messages);
    TokenEstimate completion = new TokenEstimate();
    if (choices != null && choices.isArray()) {
      for (JsonNode choice : choices) {
        JsonNode message = choice.path("message");
        completion.append(contentText(message.get("content")));
        completion.append(message.path("reasoning_content").asText(""));
        completion.append(message.path("refusal").asText(""));
        JsonNode calls = message.get("tool_calls");
        if (calls != null && calls.isArray()) {
          for (JsonNode call : calls) {
            completion.append(call.path("function").path("name").asText(""));
            completion.append(call.path("function").path("arguments").asText(""));
          }
        }
      }
    }
    long completionTokens = completion.tokens();
    return new TokenUsage(prompt, completionTokens, prompt + completionTokens, 0, 0, 0, true);
  }

  /**
   * Usage of an embeddings answer whose upstream sent none, marked estimated: each input string counted
   * with the tokenizer, and token-id arrays by their length (those are tokens already).
   */
  public static TokenUsage estimateEmbeddings(JsonNode input) {
    long tokens = inputTokens(input);
    return new TokenUsage(tokens, 0, tokens, 0, 0, 0, true);
  }

  /**
   * Usage of a legacy completion whose upstream sent none, marked estimated: the prompt (a string, strings,
   * or token ids) and every choice's {@code text}.
   */
  public static TokenUsage estimateCompletion(JsonNode prompt, JsonNode choices) {
    long promptTokens = inputTokens(prompt);
    TokenEstimate completion = new TokenEstimate();
    if (choices != null && choices.isArray()) {
      for (JsonNode choice : choices) completion.append(choice.path("text").asText(""));
    }
    long completionTokens = completion.tokens();
    return new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens, 0, 0, 0, true);
  }

  /** A string, an array of strings, an array of token ids, or an array of such arrays. */
  private static long inputTokens(JsonNode input) {
    if (input == null || input.isNull()) return 0;
    if (input.isTextual()) return count(input.asText());
    if (input.isNumber()) return 1;
    if (input.isArray()) {
      long n = 0;
      for (JsonNode item : input) n += inputTokens(item);
      return n;
    }
    return count(input.toString());
  }

  /** Text of an OpenAI message content: a string, or the text parts of an array. */
  public static String contentText(JsonNode content) {
    if (content == null || content.isNull()) return "";
    if (content.isTextual()) return content.asText();
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        if (part.hasNonNull("text")) {
          if (sb.length() > 0) sb.append('\n');
          sb.append(part.get("text").asText());
        }
      }
      return sb.toString();
    }
    return content.toString();
  }
}

package io.recllm.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recllm.gateway.provider.TokenCounter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reservation's prompt estimate against the real tokenizer: never below it on these texts, at most twice it. */
class PromptEstimateTest {

  static final Map<String, String> TEXTS = Map.ofEntries(
      Map.entry("prose", "The history of the Roman Empire spans more than a thousand years, from the founding of the city"
          + " to the fall of Constantinople. Historians have long debated the causes of its decline, citing economic"
          + " troubles, military overreach, political instability, and the pressures of migrating peoples."),
      Map.entry("code", "public static int countTokens(String text) {\n    if (text == null || text.isEmpty()) return 0;\n"
          + "    return ENCODING.countTokensOrdinary(text); // uses o200k_base\n}\n\nfor (int i = 0; i < items.size(); i++) {\n"
          + "  result.put(items.get(i).getKey(), items.get(i).getValue());\n}"),
      Map.entry("json", "{\"id\":\"chatcmpl-9x8y7z\",\"object\":\"chat.completion\",\"created\":1718000000,\"model\":"
          + "\"gpt-4o-2024-05-13\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Paris\"}}]}"),
      Map.entry("base64", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
      Map.entry("hex", "3f9a0c7be21d4458a9f0e6b3c2d17a88e4f5b6c7d8e9fa0b1c2d3e4f5a6b7c8d"),
      Map.entry("chinese", "人工智能是计算机科学的一个分支，它企图了解智能的实质，并生产出一种新的能以人类智能相似的方式做出反应的智能机器。"),
      Map.entry("russian", "Искусственный интеллект — это область информатики, которая занимается созданием интеллектуальных машин."),
      Map.entry("german", "Die Bundesrepublik Deutschland ist ein demokratischer und sozialer Bundesstaat."),
      Map.entry("numbers", "Invoice 2024-05-13: items 1234567, 89.95, 0.0001, 3.14159265358979, total 1,234,567.89 USD"),
      Map.entry("url", "https://example.com/api/v1/users?id=12345&sort=desc#section-2 and /usr/local/bin/python3.11"),
      Map.entry("markdown", "## Heading\n\n- item one\n- item two\n\n```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n"));

  @Test
  void staysBetweenOnceAndTwiceWhatTheTokenizerCounts() {
    TEXTS.forEach((name, text) -> {
      long real = TokenCounter.count(text);
      assertThat(PromptEstimate.text(text)).as(name + " (tokenizer: " + real + ")").isBetween(real, 2 * real);
    });
  }

  @Test
  void shortCommonWordsAreExactSoSmallMessagesReserveAboutWhatTheTokenizerSays() throws Exception {
    var messages = new ObjectMapper().readTree("[{\"role\":\"system\",\"content\":\"You are terse.\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hello there\"}]},"
        + "{\"role\":\"user\",\"name\":\"ann\",\"content\":\"What is the capital of Mexico?\"}]");
    for (String s : new String[] {"hello there", "user", "What is the", "You are terse."}) {
      assertThat(PromptEstimate.text(s)).as(s).isEqualTo(TokenCounter.count(s));
    }
    // one over: "capital", seven letters, is reckoned as two; one more for the newline joining content parts
    assertThat(PromptEstimate.messages(messages)).isEqualTo(TokenCounter.countPrompt(messages) + 2L);
  }
}

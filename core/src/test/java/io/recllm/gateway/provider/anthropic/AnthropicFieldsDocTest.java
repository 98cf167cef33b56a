package io.recllm.gateway.provider.anthropic;

import io.recllm.gateway.provider.FieldPolicyDoc;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/providers/anthropic-fields.md is exactly what {@link AnthropicFieldPolicy#POLICY} renders. */
class AnthropicFieldsDocTest {

  static final String REGENERATE = "./mvnw test -Dtest=AnthropicFieldsDocTest -DregenerateDocs=true";

  @Test
  void committedPageMatchesThePolicyTable() throws Exception {
    FieldPolicyDoc.assertCommitted(AnthropicFieldPolicy.POLICY, "AnthropicFieldPolicy.POLICY",
        Path.of("docs/providers/anthropic-fields.md"), REGENERATE);
  }
}

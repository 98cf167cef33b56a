package io.recllm.gateway.provider.gemini;

import io.recllm.gateway.provider.FieldPolicyDoc;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/providers/gemini-fields.md is exactly what {@link GeminiFieldPolicy#POLICY} renders. */
class GeminiFieldsDocTest {

  static final String REGENERATE = "./mvnw test -Dtest=GeminiFieldsDocTest -DregenerateDocs=true";

  @Test
  void committedPageMatchesThePolicyTable() throws Exception {
    FieldPolicyDoc.assertCommitted(GeminiFieldPolicy.POLICY, "GeminiFieldPolicy.POLICY",
        Path.of("docs/providers/gemini-fields.md"), REGENERATE);
  }
}

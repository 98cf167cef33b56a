package io.recllm.gateway.provider.bedrock;

import io.recllm.gateway.provider.FieldPolicyDoc;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/providers/bedrock-fields.md is exactly what {@link BedrockFieldPolicy#POLICY} renders. */
class BedrockFieldsDocTest {

  static final String REGENERATE = "./mvnw test -Dtest=BedrockFieldsDocTest -DregenerateDocs=true";

  @Test
  void committedPageMatchesThePolicyTable() throws Exception {
    FieldPolicyDoc.assertCommitted(BedrockFieldPolicy.POLICY, "BedrockFieldPolicy.POLICY",
        Path.of("docs/providers/bedrock-fields.md"), REGENERATE);
  }
}

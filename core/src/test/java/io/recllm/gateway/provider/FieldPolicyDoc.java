package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Renders a {@link FieldPolicy} as the provider's markdown field page and keeps the committed page
 * equal to it. A provider's doc test calls {@link #assertCommitted}; run that test with
 * {@code -DregenerateDocs=true} to write the page instead of comparing.
 */
public final class FieldPolicyDoc {

  public static final String REGENERATE_PROPERTY = "regenerateDocs";

  private FieldPolicyDoc() {}

  /**
   * @param source where the table lives, e.g. {@code AnthropicFieldPolicy.POLICY}
   * @param regenerate the command that rewrites the page
   */
  public static String render(FieldPolicy policy, String source, String regenerate) {
    String provider = policy.provider();
    StringBuilder md = new StringBuilder();
    md.append("# ").append(provider).append(": OpenAI chat request fields\n\n");
    md.append("<!-- Generated from ").append(source).append("; do not edit. Regenerate: ")
        .append(regenerate).append(" -->\n\n");
    md.append("What the gateway does with each top-level field of an OpenAI chat request for ")
        .append(provider).append(" models. A field sent as JSON `null` counts as absent. A refused field is a 400 ")
        .append("`invalid_request_error` with code `unsupported_parameter`, `param` naming the field and the ")
        .append("message `Unsupported parameter '<field>' for ").append(provider).append(" models: <reason>`.\n\n");
    md.append("- **mapped**: translated by the mapper's code, as the note says.\n");
    md.append("- **carried**: copied into the ").append(provider).append(" request as sent.\n");
    md.append("- **ignored**: left out; the note says why.\n");
    md.append("- **accepted only as** a value: that value (OpenAI's default) is accepted and left out; ")
        .append("any other value is refused with the reason in the note.\n");
    md.append("- **rejected**: always refused with the reason in the note.\n\n");
    md.append("| field | policy | note |\n");
    md.append("|---|---|---|\n");
    for (FieldRule rule : policy.rules()) row(md, "`" + rule.field() + "`", rule);
    row(md, policy.otherFields().field(), policy.otherFields());
    return md.toString();
  }

  private static void row(StringBuilder md, String field, FieldRule rule) {
    String kind = switch (rule.kind()) {
      case MAPPED -> "mapped";
      case CARRIED -> "carried";
      case IGNORED -> "ignored";
      case HARMLESS_ONLY -> "accepted only as " + rule.accepted();
      case REJECTED -> "rejected";
    };
    md.append("| ").append(cell(field)).append(" | ").append(cell(kind)).append(" | ").append(cell(rule.note()))
        .append(" |\n");
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  /**
   * Fails when the committed page differs from what {@code policy} renders; with
   * {@code -DregenerateDocs=true} writes the page instead.
   *
   * @param page the page, relative to the repository's top directory (the tests run in their module's)
   */
  public static void assertCommitted(FieldPolicy policy, String source, Path page, String regenerate)
      throws IOException {
    page = repositoryRoot().resolve(page);
    String expected = render(policy, source, regenerate);
    if (Boolean.getBoolean(REGENERATE_PROPERTY)) {
      Files.createDirectories(page.toAbsolutePath().getParent());
      Files.writeString(page, expected, StandardCharsets.UTF_8);
      return;
    }
    String committed = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "";
    assertThat(committed)
        .as("%s is not what %s generates; regenerate it with: %s", page, source, regenerate)
        .isEqualTo(expected);
  }

  /** The nearest directory up from the working directory that holds the Maven wrapper. */
  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("mvnw"))) return d;
    }
    return dir;
  }
}

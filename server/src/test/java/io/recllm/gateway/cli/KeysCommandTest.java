package io.recllm.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code keys create|list|revoke|rotate} against a SQLite store named in a config file. */
class KeysCommandTest {

  @TempDir Path dir;

  record Run(int exit, String out) {}

  private Run run(String... args) {
    PrintStream before = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int exit = new CommandLine(new Main()).execute(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(before);
    }
  }

  @Test
  void createListRotateRevoke() throws Exception {
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, "usage: { store: \"sqlite:" + dir.resolve("usage.db") + "\" }\n");
    ObjectMapper json = new ObjectMapper();
    Run created = run("keys", "create", "--config", config.toString(), "--name", "ci", "--models", "gpt-4o*,mock:*",
        "--rpm", "60", "--budget-usd", "2.5", "--budget-period", "monthly");
    assertThat(created.exit()).as(created.out()).isZero();
    JsonNode key = json.readTree(created.out());
    String secret = key.get("key").asText();
    assertThat(secret).startsWith("sk-rlg-");
    assertThat(key.get("models")).hasSize(2);
    assertThat(key.get("budget_period").asText()).isEqualTo("monthly");

    Run listed = run("keys", "list", "--config", config.toString());
    assertThat(listed.exit()).isZero();
    assertThat(json.readTree(listed.out()).get(0).get("id").asText()).isEqualTo(key.get("id").asText());
    assertThat(listed.out()).doesNotContain(secret);

    Run rotated = run("keys", "rotate", "--config", config.toString(), key.get("id").asText());
    assertThat(json.readTree(rotated.out()).get("key").asText()).startsWith("sk-rlg-").isNotEqualTo(secret);

    Run revoked = run("keys", "revoke", "--config", config.toString(), key.get("id").asText());
    assertThat(json.readTree(revoked.out()).get("status").asText()).isEqualTo("revoked");
    assertThat(run("keys", "revoke", "--config", config.toString(), "key_missing").exit()).isEqualTo(1);
    assertThat(run("keys", "create", "--config", config.toString(), "--name", "bad", "--rpm", "0").exit()).isEqualTo(1);
  }
}

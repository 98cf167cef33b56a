package io.recllm.gateway.usage;

import java.nio.file.Files;
import java.nio.file.Path;

class SqliteUsageQueryTest extends UsageQueryContract {
  Path dir;

  @Override
  String usageYaml() throws Exception {
    dir = Files.createTempDirectory("usage-query");
    return "usage: { store: \"sqlite:" + dir.resolve("usage.db") + "\" }\n";
  }

  @Override
  void cleanUp() throws Exception {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

package io.recllm.gateway.usage;

class MemoryUsageQueryTest extends UsageQueryContract {
  @Override
  String usageYaml() {
    return "usage: { store: memory }\n";
  }
}

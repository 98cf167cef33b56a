import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.cache.CacheSettings;
import io.recllm.gateway.cache.CacheStep;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallChain;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.pii.PiiMode;
import io.recllm.gateway.pii.PiiSettings;
import io.recllm.gateway.pii.PiiStep;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.LlmClient;
import io.vertx.core.Future;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the pii and cache steps cost a call in the chain, in CPU microseconds of this thread per call
 * (thread CPU time: other load on the machine barely moves it, where JMH's wall time on a busy machine
 * grows with every time the thread waits for a core). The request is {@code fixtures/request_2kb.json},
 * the 2 KB prompt without personal data of the load run's {@code --pii}; the client answers at once.
 *
 * <pre>java -cp server/target/rec-llm-gateway-*-all.jar bench/java/StepCpu.java [calls per round, default 200000]</pre>
 */
public class StepCpu {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Path dir = Path.of("bench"); // run from the repository's root
    ObjectNode body = (ObjectNode) Json.MAPPER.readTree(Files.readString(dir.resolve("fixtures/request_2kb.json")));
    body.put("temperature", 0); // the cache stores only deterministic calls
    ObjectNode completion = (ObjectNode) Json.MAPPER.readTree(Files.readString(dir.resolve("fixtures/chat_completion.json")));
    LlmClient client = (provider, model, request) ->
        Future.succeededFuture(new ChatResult(completion.deepCopy(), TokenUsage.of(20, 8), null));
    // the pii example
    PiiSettings pii = new PiiSettings(Map.of("email", PiiMode.RESTORE, "phone", PiiMode.RESTORE, "card", PiiMode.MASK,
        "iban", PiiMode.MASK, "ssn", PiiMode.BLOCK, "ip", PiiMode.OFF, "secret", PiiMode.BLOCK), List.of());
    CacheSettings cache = new CacheSettings(true, 3600, 10_000, null, CacheSettings.DEFAULT_PREFIX, false, false);
    Map<String, CallChain> chains = new java.util.LinkedHashMap<>();
    chains.put("no steps", chain(client));
    chains.put("pii, no PII in the prompt", chain(client, new PiiStep(pii, null)));
    chains.put("cache hit", chain(client, CacheStep.create(cache, null, Pricing.builtIn(), null)));
    ModelRef ref = new ModelRef("openai", "gpt-4o");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Double> best = new java.util.LinkedHashMap<>();
    for (int round = 0; round < 8; round++) { // the first rounds warm the JIT up; the best round counts
      for (Map.Entry<String, CallChain> e : chains.entrySet()) {
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
          e.getValue().complete(Call.builder("req-" + i, ref, body).totalTimeoutMillis(600_000).build()).result();
        }
        double us = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / n;
        best.merge(e.getKey(), us, Math::min);
      }
    }
    best.forEach((name, us) -> System.out.printf("%-28s %6.2f us CPU per call%n", name, us));
  }

  private static CallChain chain(LlmClient client, CallStep... steps) {
    return new CallChain(List.of(steps), client);
  }
}

package io.recllm.gateway.bench;

import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.routing.ModelParser;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** routing.ModelParser on every request: bare names, provider prefixes, and names that contain a colon. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ModelParserBench {

  private final ModelParser parser = new ModelParser(Set.of("openai", "anthropic", "mock", "ollama"), "openai");
  private String bare = "gpt-4o";
  private String prefixed = "anthropic:claude-sonnet-4-5";
  private String colonInName = "llama3.1:8b-instruct";

  @Benchmark
  public ModelRef bare() {
    return parser.parse(bare);
  }

  @Benchmark
  public ModelRef prefixed() {
    return parser.parse(prefixed);
  }

  @Benchmark
  public ModelRef colonInModelName() {
    return parser.parse(colonInName);
  }
}

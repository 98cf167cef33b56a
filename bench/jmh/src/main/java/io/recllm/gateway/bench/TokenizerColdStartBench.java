package io.recllm.gateway.bench;

import io.recllm.gateway.provider.TokenCounter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first TokenCounter call in a fresh JVM loads the o200k_base tokenizer. The gateway makes that
 * call on an event loop (mock provider, or a stream without upstream usage), so this is how long the
 * first such request blocks its event loop. One call per fork.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(5)
public class TokenizerColdStartBench {

  @Benchmark
  public int firstCount() {
    return TokenCounter.count("What is the capital of France?");
  }
}

import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.usage.Usage;
import io.recllm.gateway.usage.UsageRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What recording a call costs the usage writer thread, in CPU microseconds per record, for records
 * offered at a steady rate into a fresh SQLite store. Thread CPU time, not wall time: other load on
 * the machine barely moves it, so it can be compared across builds run minutes apart.
 *
 * <pre>java -cp server/target/rec-llm-gateway-*-all.jar bench/java/UsageWriterCpu.java [rate/s ...] [--seconds N]</pre>
 */
public class UsageWriterCpu {

  public static void main(String[] args) throws Exception {
    int seconds = 5;
    java.util.List<Integer> rates = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--seconds")) seconds = Integer.parseInt(args[++i]);
      else rates.add(Integer.parseInt(args[i]));
    }
    if (rates.isEmpty()) rates = java.util.List.of(2_000, 14_000, 30_000);
    for (int rate : rates) System.out.printf("%,7d records/s: usage writer %.2f us CPU per record%n", rate, measure(rate, seconds));
  }

  private static double measure(int rate, int seconds) throws Exception {
    Path dir = Files.createTempDirectory("usage-writer-cpu");
    Usage usage = Usage.open(UsageSettings.DEFAULT.withStore("sqlite:" + dir.resolve("usage.db")));
    try {
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long writer = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("usage-writer"))
          .findFirst().orElseThrow().getId();
      TokenUsage tokens = TokenUsage.of(120, 40);
      double result = 0;
      for (int phase = 0; phase < 2; phase++) { // the first phase warms up the JIT and the database file
        long cpu0 = mx.getThreadCpuTime(writer);
        long t0 = System.nanoTime();
        long total = (long) rate * seconds;
        long intervalNanos = 1_000_000_000L / rate;
        for (long n = 0; n < total; n++) {
          long due = t0 + n * intervalNanos;
          while (System.nanoTime() < due) Thread.onSpinWait();
          usage.record(new UsageRecord("req-" + phase + "-" + n, System.currentTimeMillis(), "openai", "gpt-4o-mini",
              "gpt-4o-mini-2024-07-18", 200, false, tokens, 12_345L, "2024-07-18", 12, -1, "stop", null, null));
        }
        Thread.sleep(300); // the last batch is committed
        result = (mx.getThreadCpuTime(writer) - cpu0) / 1000.0 / total;
      }
      return result;
    } finally {
      usage.close();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}

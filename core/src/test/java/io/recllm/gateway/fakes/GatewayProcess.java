package io.recllm.gateway.fakes;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as its own process ({@code cli.Main serve --config FILE}), for what only a process can
 * show: SIGTERM ({@link #terminate}) and SIGKILL ({@link #kill}).
 */
public final class GatewayProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final int port;

  private static final String CLI = "io.recllm.gateway.cli.Main";

  private static boolean hasCommandLine() {
    return GatewayProcess.class.getClassLoader().getResource(CLI.replace('.', '/') + ".class") != null;
  }

  private GatewayProcess(Path config) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path")));
    // the command line where it is on the class path (the server module's tests), else its stand-in
    command.addAll(hasCommandLine() ? List.of(CLI, "serve", "--config", config.toString())
        : List.of(ServeMain.class.getName(), config.toString()));
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .start();
    CountDownLatch listening = new CountDownLatch(1);
    AtomicInteger bound = new AtomicInteger();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            bound.set(Integer.parseInt(m.group(1)));
            listening.countDown();
          }
        }
      } catch (Exception ignored) {
        // the process went away
      }
    }, "gateway-process-output");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!listening.await(50, TimeUnit.MILLISECONDS) && process.isAlive() && System.nanoTime() < deadline) {
      // waiting for the line that names the port
    }
    if (listening.getCount() > 0) {
      reader.join(2000); // the rest of what it printed
      process.destroyForcibly();
      throw new AssertionError("the gateway did not start:\n" + output());
    }
    port = bound.get();
  }

  /** Starts a gateway with this YAML (written to {@code dir}), on 127.0.0.1 and a free port. */
  public static GatewayProcess start(Path dir, String yaml) throws Exception {
    Path config = Files.createTempFile(dir, "gateway-", ".yaml");
    Files.writeString(config, yaml + "\nhost: 127.0.0.1\nport: 0\n");
    return new GatewayProcess(config);
  }

  public int port() {
    return port;
  }

  public Process process() {
    return process;
  }

  /** Everything the process printed so far. */
  public String output() {
    return String.join("\n", output);
  }

  /** SIGTERM: the shutdown hook stops the gateway gracefully. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL. */
  public void kill() {
    process.destroyForcibly();
  }

  public boolean waitFor(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (process.isAlive()) process.destroyForcibly();
  }

  /** The request_id and status of every row of the request log in a SQLite usage database. */
  public static Map<String, Integer> sqliteRequests(Path db) throws Exception {
    Map<String, Integer> rows = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT request_id, status FROM usage_requests")) {
      while (rs.next()) rows.put(rs.getString(1), rs.getInt(2));
    }
    return rows;
  }
}

package io.recllm.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Access log lines leave in batches, whole and in order; the built-in logging set-up steps aside for the user's. */
class StdoutBatchAppenderTest {

  final List<Integer> writes = new ArrayList<>();
  final ByteArrayOutputStream written = new ByteArrayOutputStream();
  PrintStream original;
  final LoggerContext ctx = new LoggerContext();
  StdoutBatchAppender<ILoggingEvent> appender;
  Logger logger;

  @BeforeEach
  void captureStdout() {
    original = System.out;
    System.setOut(new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) {
        writes.add(len);
        written.write(b, off, len);
      }
    }, false, StandardCharsets.UTF_8));
    ctx.setMDCAdapter(new LogbackMDCAdapter());
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%msg%n");
    encoder.start();
    appender = new StdoutBatchAppender<>();
    appender.setContext(ctx);
    appender.setEncoder(encoder);
    appender.start();
    logger = ctx.getLogger("batch-test");
    logger.addAppender(appender);
  }

  @AfterEach
  void restoreStdout() {
    appender.stop();
    System.setOut(original);
  }

  synchronized String out() {
    return written.toString(StandardCharsets.UTF_8);
  }

  @Test
  void linesWaitForTheBatchEndAndLeaveInOneWrite() {
    for (int i = 0; i < 100; i++) logger.info("line {}", i);
    assertThat(out()).isEmpty();
    StdoutBatchAppender.flushAll();
    String[] lines = out().split("\n");
    assertThat(lines).hasSize(100);
    for (int i = 0; i < 100; i++) assertThat(lines[i]).isEqualTo("line " + i);
    assertThat(writes).hasSize(1);
    StdoutBatchAppender.flushAll();
    assertThat(writes).as("nothing waiting, nothing written").hasSize(1);
  }

  @Test
  void aFullBufferIsWrittenWithoutWaitingAndNeverCutsALine() {
    String payload = "x".repeat(1000);
    int n = 3 * StdoutBatchAppender.MAX_BUFFERED / 1000;
    for (int i = 0; i < n; i++) logger.info("{} {}", i, payload);
    assertThat(writes).as("memory stays bounded between batches").isNotEmpty();
    assertThat(out()).endsWith("\n");
    StdoutBatchAppender.flushAll();
    String[] lines = out().split("\n");
    assertThat(lines).hasSize(n);
    for (int i = 0; i < n; i++) assertThat(lines[i]).isEqualTo(i + " " + payload);
    assertThat(writes.stream().mapToInt(Integer::intValue).max().orElseThrow())
        .isLessThanOrEqualTo(StdoutBatchAppender.MAX_BUFFERED);
  }

  @Test
  void stoppingWritesWhatIsLeft() {
    logger.info("last words");
    appender.stop();
    assertThat(out()).isEqualTo("last words\n");
  }

  @Test
  void theBuiltInSetUpConfiguresTheAccessLogAndFrameworkLevels() {
    LoggerContext fresh = new LoggerContext();
    LogSetup setup = new LogSetup();
    setup.setContext(fresh);
    assertThat(setup.configure(fresh)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger access = fresh.getLogger(AccessLog.LOGGER);
    assertThat(access.isAdditive()).isFalse();
    assertThat(access.getAppender("ACCESS")).isInstanceOf(StdoutBatchAppender.class);
    assertThat(fresh.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(fresh.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC")).isNotNull();
    fresh.stop();
  }

  @Test
  void aConfigurationFileNamedByTheUserWins() {
    LoggerContext fresh = new LoggerContext();
    LogSetup setup = new LogSetup();
    setup.setContext(fresh);
    System.setProperty(ContextInitializer.CONFIG_FILE_PROPERTY, "their-logback.xml");
    try {
      assertThat(setup.configure(fresh)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
      assertThat(Arrays.asList(fresh.getLogger(AccessLog.LOGGER).getAppender("ACCESS"))).containsOnlyNulls();
    } finally {
      System.clearProperty(ContextInitializer.CONFIG_FILE_PROPERTY);
    }
  }
}

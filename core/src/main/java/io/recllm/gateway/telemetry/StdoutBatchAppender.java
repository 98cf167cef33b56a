package io.recllm.gateway.telemetry;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Writes to stdout in batches: events collect in memory and go out in one write when {@link #flushAll()}
 * is called (the access log does after each batch, every 20 ms) or when 64 KB are waiting. A console
 * appender makes one write system call per line, which at tens of thousands of calls a second cost
 * more CPU than formatting the lines. Each batch goes to {@code System.out} in one call, so lines from
 * other appenders on stdout are never cut into.
 */
public final class StdoutBatchAppender<E> extends OutputStreamAppender<E> {

  static final int MAX_BUFFERED = 64 * 1024;
  private static final Set<StdoutBatchAppender<?>> STARTED = new CopyOnWriteArraySet<>();

  private final Batch batch = new Batch();

  @Override
  public void start() {
    setImmediateFlush(false);
    setOutputStream(batch);
    super.start();
    if (isStarted()) STARTED.add(this);
  }

  @Override
  public void stop() {
    STARTED.remove(this);
    super.stop(); // flushes and "closes" the batch, which only writes what is left
  }

  /** Writes out what every started batching appender holds. */
  public static void flushAll() {
    for (StdoutBatchAppender<?> a : STARTED) a.batch.flush();
  }

  private static final class Batch extends OutputStream {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(16 * 1024);

    @Override
    public synchronized void write(int b) {
      buf.write(b);
      if (buf.size() >= MAX_BUFFERED) flush();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      if (buf.size() > 0 && buf.size() + len > MAX_BUFFERED) flush();
      buf.write(b, off, len);
      if (buf.size() >= MAX_BUFFERED) flush();
    }

    @Override
    public synchronized void flush() {
      if (buf.size() == 0) return;
      try {
        buf.writeTo(System.out); // one write of the whole buffer, no copy
      } catch (java.io.IOException e) {
        // PrintStream never throws; it records the error, as it does for any console line
      }
      System.out.flush();
      buf.reset();
    }

    @Override
    public void close() {
      flush(); // stdout itself stays open
    }
  }
}

package io.recllm.gateway.telemetry;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The gateway's logging when nobody configured logback: lines to stdout, the access log through
 * {@link StdoutBatchAppender}, framework loggers at WARN, root level from
 * {@code REC_LLM_GATEWAY_LOG_LEVEL} (default INFO).
 *
 * <p>Set up in code rather than in a {@code logback.xml} because reading XML loads about 500 classes
 * (Joran, SAX) and cost a fifth of the gateway's start-up. An application's own {@code logback.xml} or
 * {@code logback-test.xml}, or {@code -Dlogback.configurationFile}, still wins: then this does nothing.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    ClassLoader cl = LogSetup.class.getClassLoader();
    if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
        || cl.getResource("logback-test.xml") != null || cl.getResource("logback.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    ConsoleAppender<ILoggingEvent> stdout = started(new ConsoleAppender<>(), ctx, "STDOUT");

    // Log calls may come from the event loop: they must never wait for a slow or blocked stdout.
    // Under overload lines are dropped rather than stalling requests.
    AsyncAppender async = new AsyncAppender();
    async.setContext(ctx);
    async.setName("ASYNC");
    async.setQueueSize(8192);
    async.setDiscardingThreshold(0);
    async.setNeverBlock(true);
    async.addAppender(stdout);
    async.start();

    // The access log has its own writer thread, off the event loop: no second queue, and one write per batch.
    Logger access = ctx.getLogger(AccessLog.LOGGER);
    access.setAdditive(false);
    access.addAppender(started(new StdoutBatchAppender<>(), ctx, "ACCESS"));

    ctx.getLogger("io.netty").setLevel(Level.WARN);
    ctx.getLogger("io.vertx").setLevel(Level.WARN);
    ctx.getLogger("org.flywaydb").setLevel(Level.WARN); // the usage store logs its own one-line summary at start
    ctx.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv("REC_LLM_GATEWAY_LOG_LEVEL"), Level.INFO));
    root.addAppender(async);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static <A extends OutputStreamAppender<ILoggingEvent>> A started(A appender, LoggerContext ctx, String name) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(PATTERN);
    encoder.start();
    appender.setContext(ctx);
    appender.setName(name);
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }
}

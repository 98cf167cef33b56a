package io.recllm.gateway.fakes;

import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --config FILE} for the core module's process tests, whose class path has no command line
 * (that is the server module's): starts the gateway the way the command line does, prints the same
 * "listening on" line and closes it the same way on SIGTERM.
 */
public final class ServeMain {

  private ServeMain() {
  }

  public static void main(String[] args) throws Exception {
    GatewayConfig cfg = ConfigLoader.load(Path.of(args[0]), System.getenv());
    RecLlmGateway gateway = RecLlmGateway.start(cfg);
    LoggerFactory.getLogger("io.recllm.gateway")
        .info("RecLLM Gateway listening on http://{}:{}", cfg.host(), gateway.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.close();
      stopped.countDown();
    }, "gateway-shutdown"));
    stopped.await();
  }
}

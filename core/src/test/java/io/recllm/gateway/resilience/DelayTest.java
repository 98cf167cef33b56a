package io.recllm.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aVertxWaitCompletesOnTheEventLoopThatStartedIt() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Boolean> sameContext = new CompletableFuture<>();
    context.runOnContext(v -> Delay.vertx(vertx).after(3_000_000L)
        .onComplete(ar -> sameContext.complete(ar.succeeded() && Vertx.currentContext() == context)));

    assertThat(sameContext.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aZeroWaitIsAlreadyOver() {
    assertThat(Delay.vertx(vertx).after(0).succeeded()).isTrue();
  }
}

package io.recllm.gateway.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.recllm.gateway.core.TokenUsage;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PricingUnpricedTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(Pricing.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void attach() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
    appender.stop();
  }

  private List<ILoggingEvent> warningsAbout(String model) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("'" + model + "'"))
        .toList();
  }

  @Test
  void unknownModelCostsNothingAndIsLoggedOnce() {
    Pricing pricing = Pricing.builtIn();
    for (int i = 0; i < 5; i++) {
      Cost cost = pricing.cost("openai", "no-such-model-a", TokenUsage.of(1_000, 1_000));
      assertThat(cost).isEqualTo(Cost.UNPRICED);
      assertThat(cost.priced()).isFalse();
      assertThat(cost.usd()).isZero();
    }
    assertThat(pricing.find("openai", "no-such-model-a")).isEmpty();
    assertThat(warningsAbout("no-such-model-a")).hasSize(1);
  }

  @Test
  void eachUnknownModelIsLoggedOnceOnItsOwn() {
    Pricing pricing = Pricing.builtIn();
    pricing.cost("openai", "no-such-model-b", TokenUsage.of(1, 1));
    pricing.cost("openai", "no-such-model-c", TokenUsage.of(1, 1));
    pricing.cost("openai", "no-such-model-b", TokenUsage.of(1, 1));
    assertThat(warningsAbout("no-such-model-b")).hasSize(1);
    assertThat(warningsAbout("no-such-model-c")).hasSize(1);
  }

  @Test
  void pricedModelsAreNotLogged() {
    Pricing pricing = Pricing.builtIn();
    pricing.cost("openai", "gpt-4o", TokenUsage.of(1, 1));
    pricing.cost("anthropic", "claude-3-5-sonnet-latest", TokenUsage.of(1, 1));
    assertThat(appender.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
  }

  @Test
  void concurrentCallsStillLogOnce() throws Exception {
    Pricing pricing = Pricing.builtIn();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    try {
      for (int i = 0; i < 64; i++) {
        pool.submit(() -> {
          start.await();
          return pricing.cost("openai", "no-such-model-d", TokenUsage.of(1, 1));
        });
      }
      start.countDown();
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(warningsAbout("no-such-model-d")).hasSize(1);
  }

  @Test
  void controlCharactersInModelIdsDoNotSplitLogLines() {
    Pricing pricing = Pricing.builtIn();
    pricing.cost("openai", "evil\nINFO forged line", TokenUsage.of(1, 1));
    assertThat(appender.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
        .contains("evil?INFO forged line").doesNotContain("\n"));
  }
}

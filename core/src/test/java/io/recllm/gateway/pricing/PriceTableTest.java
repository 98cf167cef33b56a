package io.recllm.gateway.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shipped table parses completely and every row is plausible. */
class PriceTableTest {

  private static final String HEADER = "provider,model,effective_date,input,cached_input,cache_write,"
      + "cache_write_1h,output,max_output_tokens,long_context_above,long_input,long_cached_input,"
      + "long_cache_write,long_output,priority_input,priority_cached_input,priority_cache_write,"
      + "priority_output,note\n";

  private final List<PriceRow> rows = PriceTable.builtIn().rows();

  private static PriceTable parse(String csv) throws IOException {
    return PriceTable.parse(new StringReader(csv), "test.csv");
  }

  private static final Set<String> PRESETS = Set.of("mistral", "groq", "together", "deepseek", "openrouter", "xai",
      "fireworks", "cerebras", "perplexity");

  private static boolean openAiOrAnthropic(PriceRow row) {
    return row.provider().equals("openai") || row.provider().equals("anthropic");
  }

  @Test
  void everyRowParses() {
    assertThat(rows).filteredOn(PriceTableTest::openAiOrAnthropic).hasSize(157);
    assertThat(rows).filteredOn(r -> r.provider().equals("bedrock")).hasSize(212);
    assertThat(rows).filteredOn(r -> r.provider().equals("anthropic")).hasSize(35);
    assertThat(rows).filteredOn(r -> PRESETS.contains(r.provider())).hasSize(522)
        .extracting(PriceRow::provider).containsAll(PRESETS);
    assertThat(rows).filteredOn(r -> r.provider().equals("gemini")).hasSize(28);
  }

  @Test
  void modelIdsAreUniquePerProvider() {
    Set<String> ids = new HashSet<>();
    for (PriceRow row : rows) assertThat(ids.add(row.provider() + " " + row.model())).as(row.model()).isTrue();
  }

  /** LiteLLM's file lists some models without an output ceiling; only OpenAI's and Anthropic's rows need one. */
  @Test
  void pricesArePositiveAndConsistent() {
    for (PriceRow row : rows) {
      ModelPrice p = row.standard();
      String id = row.model();
      assertThat(p.input()).as(id).isPositive();
      if (p.output().signum() == 0) { // an embedding model: input only
        assertThat(row.note()).as(id).startsWith("embeddings");
        assertThat(p.maxOutputTokens()).as(id).isNull();
        continue;
      }
      assertThat(p.output()).as(id).isPositive();
      assertThat(p.output()).as("%s output >= input", id).isGreaterThanOrEqualTo(p.input());
      if (p.cachedInput() != null) assertThat(p.cachedInput()).as(id).isPositive().isLessThan(p.input());
      if (p.cacheWrite() != null) assertThat(p.cacheWrite()).as(id).isGreaterThanOrEqualTo(p.input());
      if (row.cacheWrite1h() != null) {
        assertThat(row.cacheWrite1h()).as("%s 1h write is 2x input", id).isEqualByComparingTo(p.input().multiply(BigDecimal.valueOf(2)));
      }
      if (openAiOrAnthropic(row)) assertThat(p.maxOutputTokens()).as(id).isNotNull().isPositive();
      assertThat(LocalDate.parse(p.effectiveDate())).as(id)
          .isBetween(LocalDate.of(2023, 1, 1), LocalDate.of(2026, 11, 30));
      if (row.longContext() != null) {
        assertThat(row.longContextAbove()).as(id).isPositive();
        assertThat(row.longContext().input()).as(id).isGreaterThan(p.input());
        assertThat(row.longContext().output()).as(id).isGreaterThan(p.output());
      }
      if (row.priority() != null) {
        assertThat(row.priority().input()).as(id).isGreaterThan(p.input());
        assertThat(row.priority().output()).as(id).isGreaterThan(p.output());
      }
    }
  }

  @Test
  void anthropicRowsHaveCacheRatesAtTheUsualMultiples() {
    for (PriceRow row : rows) {
      // Haiku 3 was priced before the multiples became the rule: $0.30 write, $0.03 read.
      if (!row.provider().equals("anthropic") || row.model().equals("claude-3-haiku-20240307")) continue;
      ModelPrice p = row.standard();
      assertThat(p.cacheWrite()).as(row.model()).isEqualByComparingTo(p.input().multiply(new BigDecimal("1.25")));
      assertThat(p.cachedInput()).as(row.model()).isNotNull();
    }
  }

  @Test
  void nonChatModelsAreLeftOutButEmbeddings() {
    assertThat(rows).filteredOn(PriceTableTest::openAiOrAnthropic).extracting(PriceRow::model).filteredOn(m -> m.contains("embedding"))
        .containsExactly("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002");
    assertThat(rows).filteredOn(PriceTableTest::openAiOrAnthropic).extracting(PriceRow::model).noneMatch(m -> m.contains("tts")
        || m.contains("whisper") || m.contains("dall-e") || m.contains("image")
        || m.contains("moderation") || m.contains("realtime") || m.contains("transcribe")
        || m.contains("sora") || m.contains("/"));
    assertThat(rows).filteredOn(r -> PRESETS.contains(r.provider())).extracting(PriceRow::model)
        .noneMatch(m -> m.contains("embedding") || m.contains("whisper") || m.startsWith("together-ai-"));
  }

  @Test
  void parsesCommentsQuotesAndOptionalTiers() throws IOException {
    PriceTable table = parse("# comment\n\n" + HEADER
        + "openai,m1,2025-01-01,1,0.5,,,4,1000,100,2,1,,8,3,,,12,\"a, quoted \"\"note\"\"\"\n");
    PriceRow row = table.exact("m1", null);
    assertThat(row.standard()).isEqualTo(new ModelPrice(1, 0.5, null, 4, 1000, "2025-01-01"));
    assertThat(row.longContextAbove()).isEqualTo(100L);
    assertThat(row.longContext().input()).isEqualByComparingTo("2");
    assertThat(row.priority().output()).isEqualByComparingTo("12");
    assertThat(row.note()).isEqualTo("a, quoted \"note\"");
  }

  @Test
  void rejectsDuplicateIdsOfOneProvider() {
    String line = "openai,m1,2025-01-01,1,,,,4,1000,,,,,,,,,,\n";
    assertThatThrownBy(() -> parse(HEADER + line + line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test.csv:3").hasMessageContaining("already listed on line 2");
  }

  @Test
  void oneIdUnderTwoProvidersKeepsBothPrices() throws IOException {
    PriceTable table = parse(HEADER + "groq,oss-1,2025-01-01,1,,,,4,1000,,,,,,,,,,\n"
        + "cerebras,oss-1,2025-01-01,2,,,,8,1000,,,,,,,,,,\n"
        + "groq,oss-2-20250101,2025-01-01,1,,,,4,1000,,,,,,,,,,\n"
        + "cerebras,oss-2-20250301,2025-03-01,2,,,,8,1000,,,,,,,,,,\n");
    assertThat(table.exact("oss-1", "groq").standard().input()).isEqualByComparingTo("1");
    assertThat(table.exact("oss-1", "cerebras").standard().input()).isEqualByComparingTo("2");
    assertThat(table.exact("oss-1", null).provider()).as("by id alone: the first row listing it").isEqualTo("groq");
    assertThat(table.exact("oss-1", "xai")).isNull();
    assertThat(table.newestOfFamily("oss-2", "groq").model()).isEqualTo("oss-2-20250101");
    assertThat(table.newestOfFamily("oss-2", null).model()).isEqualTo("oss-2-20250301");
  }

  @Test
  void rejectsBadValuesNamingLineAndColumn() {
    assertThatThrownBy(() -> parse(HEADER + "openai,m1,2025-01-01,0,,,,4,1000,,,,,,,,,,\n"))
        .hasMessageContaining("test.csv:2: input must be a positive price");
    assertThatThrownBy(() -> parse(HEADER + "openai,m1,2025-01-01,1,,,,x,1000,,,,,,,,,,\n"))
        .hasMessageContaining("output 'x' is not a number");
    assertThatThrownBy(() -> parse(HEADER + "openai,m1,01/02/2025,1,,,,4,1000,,,,,,,,,,\n"))
        .hasMessageContaining("effective_date");
    assertThatThrownBy(() -> parse(HEADER + "openai,,2025-01-01,1,,,,4,1000,,,,,,,,,,\n"))
        .hasMessageContaining("model is required");
    assertThatThrownBy(() -> parse(HEADER + "openai,m1,2025-01-01,1,,,,4,1000,,2,,,8,,,,,\n"))
        .hasMessageContaining("long_input is set but the tier it belongs to is not");
    assertThatThrownBy(() -> parse(HEADER + "openai,m1,2025-01-01,1,,,,4,1000,,,,,,3,,,,\n"))
        .hasMessageContaining("priority_output is required");
    assertThatThrownBy(() -> parse(HEADER + "openai,m1,2025-01-01,1,,,,4\n"))
        .hasMessageContaining("expected 19 fields, found 8");
    assertThatThrownBy(() -> parse("provider,model\n"))
        .hasMessageContaining("header lacks column 'effective_date'");
  }
}

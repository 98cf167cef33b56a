package io.recllm.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoreLocationTest {

  @Test
  void memoryAndSqlite() {
    assertThat(StoreLocation.parse("memory").kind()).isEqualTo(StoreLocation.Kind.MEMORY);
    StoreLocation s = StoreLocation.parse("sqlite:./data/usage.db");
    assertThat(s.kind()).isEqualTo(StoreLocation.Kind.SQLITE);
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:sqlite:./data/usage.db");
    assertThat(StoreLocation.parse("jdbc:sqlite:/var/lib/gw/u.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/gw/u.db");
  }

  @Test
  void libpqStyleUrlsBecomeJdbcWithTheCredentialsApart() {
    StoreLocation pg = StoreLocation.parse("postgresql://gw:p%40ss@db.internal:6432/usage?sslmode=require");
    assertThat(pg.kind()).isEqualTo(StoreLocation.Kind.POSTGRESQL);
    assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/usage?sslmode=require");
    assertThat(pg.user()).isEqualTo("gw");
    assertThat(pg.password()).isEqualTo("p@ss");
    assertThat(pg.display()).isEqualTo("postgresql://gw:***@db.internal:6432/usage").doesNotContain("p@ss");
    StoreLocation noPort = StoreLocation.parse("postgres://localhost/gw");
    assertThat(noPort.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/gw");
    assertThat(noPort.user()).isNull();
  }

  @Test
  void jdbcUrlsPassThroughAndPasswordsAreNeverDisplayed() {
    StoreLocation pg = StoreLocation.parse("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=hunter2");
    assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=hunter2");
    assertThat(pg.display()).doesNotContain("hunter2").contains("password=***");
  }

  @Test
  void anythingElseIsRejectedWithTheFormsThatWork() {
    assertThatThrownBy(() -> StoreLocation.parse("mysql://x/y")).hasMessageContaining("sqlite:<path>");
    assertThatThrownBy(() -> StoreLocation.parse("sqlite:")).hasMessageContaining("file path");
    assertThatThrownBy(() -> StoreLocation.parse("sqlite::memory:")).hasMessageContaining("\"memory\"");
    assertThatThrownBy(() -> StoreLocation.parse("postgresql://host-only")).hasMessageContaining("database name");
    assertThatThrownBy(() -> StoreLocation.parse("postgresql://u:secret@/db")).hasMessageContaining("host")
        .hasMessageNotContaining("secret");
  }
}

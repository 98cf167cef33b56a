package io.recllm.gateway.fakes;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A uniquely named database on the local PostgreSQL (127.0.0.1:5432, trust auth, user postgres),
 * created for one test class and dropped afterwards. There is no fallback: when PostgreSQL is not
 * reachable, creating one throws and the test fails.
 */
public final class PostgresDatabase implements AutoCloseable {

  private static final String HOST = "127.0.0.1:5432";
  private static final String ADMIN_URL = "jdbc:postgresql://" + HOST + "/test";

  public final String name;

  private PostgresDatabase(String name) {
    this.name = name;
  }

  public static PostgresDatabase create(String purpose) throws SQLException {
    String name = ("recllm_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return new PostgresDatabase(name);
  }

  /** As {@code usage.store} takes it. */
  public String storeUrl() {
    return "postgresql://postgres@" + HOST + "/" + name;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + HOST + "/" + name, "postgres", "");
  }

  private static Connection admin() throws SQLException {
    return DriverManager.getConnection(ADMIN_URL, "postgres", "");
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}

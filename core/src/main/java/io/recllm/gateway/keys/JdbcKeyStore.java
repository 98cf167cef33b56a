package io.recllm.gateway.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.recllm.gateway.config.StoreLocation;
import io.recllm.gateway.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Keys in the usage store's SQLite or PostgreSQL database, on a small pool of their own. */
final class JdbcKeyStore implements KeyStore {

  private static final String COLUMNS = "id, name, key_hash, key_hint, models, rpm, tpm, max_parallel, budget_nano_usd,"
      + " budget_period, expires_at_ms, metadata, created_at_ms, updated_at_ms, revoked_at_ms";

  private final HikariDataSource pool;

  private JdbcKeyStore(HikariDataSource pool) {
    this.pool = pool;
  }

  static JdbcKeyStore open(StoreLocation location) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("key-store");
    hc.setJdbcUrl(location.jdbcUrl());
    if (location.user() != null) hc.setUsername(location.user());
    if (location.password() != null) hc.setPassword(location.password());
    hc.setMaximumPoolSize(2);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(10_000);
    if (location.kind() == StoreLocation.Kind.SQLITE) hc.addDataSourceProperty("busy_timeout", "10000");
    try {
      return new JdbcKeyStore(new HikariDataSource(hc));
    } catch (RuntimeException e) {
      throw new IllegalStateException("usage.store: cannot open " + location.display() + " for the keys: " + e.getMessage(), e);
    }
  }

  @Override
  public List<VirtualKey> loadAll() {
    try (Connection c = pool.getConnection();
         PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM virtual_keys ORDER BY created_at_ms, id");
         ResultSet rs = s.executeQuery()) {
      List<VirtualKey> keys = new ArrayList<>();
      while (rs.next()) keys.add(read(rs));
      return keys;
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the virtual keys: " + e.getMessage(), e);
    }
  }

  @Override
  public void insert(VirtualKey k) {
    String sql = "INSERT INTO virtual_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, k.id());
      bind(s, 2, k);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not store the virtual key: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean update(VirtualKey k) {
    String sql = "UPDATE virtual_keys SET name = ?, key_hash = ?, key_hint = ?, models = ?, rpm = ?, tpm = ?,"
        + " max_parallel = ?, budget_nano_usd = ?, budget_period = ?, expires_at_ms = ?, metadata = ?, created_at_ms = ?,"
        + " updated_at_ms = ?, revoked_at_ms = ? WHERE id = ?";
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, 1, k);
      s.setString(15, k.id());
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new IllegalStateException("Could not update the virtual key: " + e.getMessage(), e);
    }
  }

  private static void bind(PreparedStatement s, int from, VirtualKey k) throws SQLException {
    int i = from;
    s.setString(i++, k.name());
    s.setString(i++, k.hash());
    s.setString(i++, k.hint());
    s.setString(i++, Json.MAPPER.valueToTree(k.models()).toString());
    setLong(s, i++, k.rpm());
    setLong(s, i++, k.tpm());
    setLong(s, i++, k.maxParallel());
    setLong(s, i++, k.budgetNanoUsd());
    s.setString(i++, k.budgetPeriod().wire());
    setLong(s, i++, k.expiresAtMs());
    s.setString(i++, k.metadata());
    s.setLong(i++, k.createdAtMs());
    s.setLong(i++, k.updatedAtMs());
    setLong(s, i, k.revokedAtMs());
  }

  private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
    if (v == null) {
      s.setNull(i, Types.BIGINT);
    } else {
      s.setLong(i, v);
    }
  }

  private static Long getLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static VirtualKey read(ResultSet rs) throws SQLException {
    List<String> models = new ArrayList<>();
    try {
      for (JsonNode m : Json.MAPPER.readTree(rs.getString("models"))) models.add(m.asText());
    } catch (JsonProcessingException e) {
      throw new SQLException("virtual key " + rs.getString("id") + ": models are not a JSON list", e);
    }
    return new VirtualKey(rs.getString("id"), rs.getString("name"), rs.getString("key_hash"), rs.getString("key_hint"),
        models, getLong(rs, "rpm"), getLong(rs, "tpm"), getLong(rs, "max_parallel"), getLong(rs, "budget_nano_usd"),
        VirtualKey.BudgetPeriod.valueOf(rs.getString("budget_period").toUpperCase()), getLong(rs, "expires_at_ms"),
        rs.getString("metadata"), rs.getLong("created_at_ms"), rs.getLong("updated_at_ms"), getLong(rs, "revoked_at_ms"),
        false);
  }

  @Override
  public void close() {
    pool.close();
  }
}

package io.recllm.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where usage is kept, parsed from {@code usage.store}: {@code memory}, {@code sqlite:<path>} (also
 * {@code jdbc:sqlite:<path>}), or PostgreSQL as a libpq-style URL ({@code postgresql://user:pw@host:5432/db?sslmode=require},
 * {@code postgres://...}) or a JDBC URL ({@code jdbc:postgresql://...}). The password travels separately
 * from the JDBC URL so that {@link #display()} can go into logs and error messages.
 */
public record StoreLocation(Kind kind, String jdbcUrl, String user, String password, String display) {

  public enum Kind { MEMORY, SQLITE, POSTGRESQL }

  public static StoreLocation parse(String store) {
    if (store == null || store.isBlank()) throw new IllegalArgumentException(expected("nothing"));
    String s = store.trim();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.equals("memory")) return new StoreLocation(Kind.MEMORY, null, null, null, "memory");
    if (lower.startsWith("sqlite:") || lower.startsWith("jdbc:sqlite:")) {
      String path = s.substring(s.indexOf("sqlite:") + "sqlite:".length());
      if (path.isBlank()) throw new IllegalArgumentException("sqlite: needs a file path, e.g. sqlite:./data/usage.db");
      if (path.startsWith(":memory:") || path.contains("mode=memory")) {
        // every pooled connection would see its own empty database
        throw new IllegalArgumentException("an in-memory SQLite database is not supported; use \"memory\" instead");
      }
      return new StoreLocation(Kind.SQLITE, "jdbc:sqlite:" + path, null, null, "sqlite:" + path);
    }
    if (lower.startsWith("jdbc:postgresql:")) {
      return new StoreLocation(Kind.POSTGRESQL, s, null, null, redactQuery(s));
    }
    if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
      return fromPostgresUri(s);
    }
    throw new IllegalArgumentException(expected("\"" + redactQuery(s) + "\""));
  }

  private static StoreLocation fromPostgresUri(String s) {
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid PostgreSQL URL: " + e.getReason());
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException("the PostgreSQL URL needs a host, e.g. postgresql://user@localhost:5432/gateway");
    }
    String db = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
    if (db.isBlank()) {
      throw new IllegalArgumentException("the PostgreSQL URL needs a database name, e.g. postgresql://user@localhost:5432/gateway");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      if (colon >= 0) password = decode(info.substring(colon + 1));
    }
    String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    String jdbc = "jdbc:postgresql://" + hostPort + "/" + db + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    String display = "postgresql://" + (user != null ? user + (password != null ? ":***" : "") + "@" : "") + hostPort + "/" + db;
    return new StoreLocation(Kind.POSTGRESQL, jdbc, user, password, display);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** JDBC URLs may carry {@code password=} in the query; never show it. */
  private static String redactQuery(String s) {
    return s.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("://([^/@:]+):[^/@]*@", "://$1:***@");
  }

  private static String expected(String got) {
    return "must be memory, sqlite:<path>, postgresql://user@host:5432/db or jdbc:postgresql://host:5432/db, got " + got;
  }
}

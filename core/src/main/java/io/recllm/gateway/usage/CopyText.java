package io.recllm.gateway.usage;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import org.postgresql.copy.CopyIn;

/**
 * Rows for PostgreSQL's {@code COPY ... FROM STDIN} in its text format, sent in chunks of a few tens of
 * kilobytes so that a batch never sits in memory as one string. Fields are separated by tabs and rows
 * end with a newline; backslash, tab, newline and carriage return in a value are escaped, and
 * {@code \N} is NULL. The driver always sets the connection's client encoding to UTF-8.
 */
final class CopyText implements UsageRowWriter.RowFields {

  private static final int CHUNK_CHARS = 32 * 1024;
  private static final String NULL = "\\N";

  private final CopyIn copy;
  private final StringBuilder buffer = new StringBuilder(CHUNK_CHARS + 1024);
  private boolean rowStarted;
  private LocalDate lastDay; // the rows of a batch nearly always share their day: format it once
  private String lastDayText;

  CopyText(CopyIn copy) {
    this.copy = copy;
  }

  @Override
  public void text(String value) {
    separate();
    if (value == null) {
      buffer.append(NULL);
      return;
    }
    int from = 0;
    for (int i = 0, n = value.length(); i < n; i++) {
      String escaped = switch (value.charAt(i)) {
        case '\\' -> "\\\\";
        case '\t' -> "\\t";
        case '\n' -> "\\n";
        case '\r' -> "\\r";
        default -> null;
      };
      if (escaped == null) continue;
      buffer.append(value, from, i).append(escaped);
      from = i + 1;
    }
    buffer.append(value, from, value.length());
  }

  @Override
  public void number(long value) {
    separate();
    buffer.append(value);
  }

  @Override
  public void nullNumber() {
    separate();
    buffer.append(NULL);
  }

  @Override
  public void bool(boolean value) {
    separate();
    buffer.append(value ? 't' : 'f');
  }

  /**
   * Java's decimal for a double reads back as the same double, and PostgreSQL's float8 input reads it
   * exactly; NaN, Infinity and -Infinity come out as PostgreSQL spells them.
   */
  @Override
  public void real(double value) {
    separate();
    buffer.append(value);
  }

  /**
   * As the driver writes a {@link LocalDate} parameter: PostgreSQL takes neither ISO's {@code +} before
   * a year past 9999 nor years 0 and below, which it wants as a year of the era followed by BC.
   */
  @Override
  public void date(LocalDate day) {
    separate();
    if (!day.equals(lastDay)) {
      StringBuilder s = new StringBuilder(16);
      int year = day.getYear() > 0 ? day.getYear() : 1 - day.getYear();
      if (year < 1000) s.append(year < 10 ? "000" : year < 100 ? "00" : "0");
      s.append(year).append('-');
      if (day.getMonthValue() < 10) s.append('0');
      s.append(day.getMonthValue()).append('-');
      if (day.getDayOfMonth() < 10) s.append('0');
      s.append(day.getDayOfMonth());
      if (day.getYear() <= 0) s.append(" BC");
      lastDay = day;
      lastDayText = s.toString();
    }
    buffer.append(lastDayText);
  }

  void endRow() throws SQLException {
    buffer.append('\n');
    rowStarted = false;
    if (buffer.length() >= CHUNK_CHARS) send();
  }

  /** Sends what is left and ends the COPY: a row the server refused fails here at the latest. */
  void finish() throws SQLException {
    send();
    copy.endCopy();
  }

  private void separate() {
    if (rowStarted) buffer.append('\t');
    rowStarted = true;
  }

  private void send() throws SQLException {
    if (buffer.length() == 0) return;
    byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
    copy.writeToCopy(bytes, 0, bytes.length);
    buffer.setLength(0);
  }
}

package io.recllm.gateway.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the parser's failures on a request body into the gateway's own words: what is wrong and at
 * which line and column. The parser's messages name its classes and settings (and the position of an
 * opening bracket as "[Source: REDACTED ...]"), which mean nothing to a client, so they are only read
 * here to tell the cases apart and never passed on.
 *
 * <p>The parser reports where it stopped, which is sometimes the offending character, sometimes just
 * after it, and for a bad word or an over-long number or name its end. The column given to the client
 * is where the offending thing starts, found in the body's bytes from where the parser stopped.
 */
final class JsonBodyErrors {

  static final String PREFIX = "We could not parse the JSON body of your request: ";

  private static final Pattern UNEXPECTED_CHAR = Pattern.compile(
      "^Unexpected (?:character \\('(.)' \\(code (\\d+)[^)]*\\)\\)|character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)"
          + "|close marker '(.)')", Pattern.DOTALL);
  private static final Pattern CONTROL_CHAR = Pattern.compile("^Illegal (unquoted )?character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
  private static final Pattern TOKEN = Pattern.compile("^(Unrecognized|Non-standard) token '(.*?)'", Pattern.DOTALL);
  private static final int MAX_ECHOED_TOKEN = 40;

  private JsonBodyErrors() {}

  /** The client's error for a body the parser rejected while reading its value. */
  static GatewayException.InvalidRequest of(JsonProcessingException e, JsonParser parser, byte[] body) {
    return invalid(failure(e, parser, body), "");
  }

  /** A second value after the body's one JSON value. */
  static GatewayException.InvalidRequest trailing(JsonParser parser) {
    JsonToken token = parser.currentToken();
    String what = switch (token) {
      case START_OBJECT, END_OBJECT, START_ARRAY, END_ARRAY -> "unexpected character '" + token.asString() + "'";
      case VALUE_STRING -> "unexpected string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "unexpected number";
      case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> "unexpected '" + token.asString() + "'";
      default -> "unexpected content";
    };
    JsonLocation at = parser.currentTokenLocation();
    return invalid(new Failure(what, at.getLineNr(), at.getColumnNr()), " after the JSON value");
  }

  /** Something that is not JSON after the body's one value: the failure says what, this says it is extra. */
  static GatewayException.InvalidRequest trailing(JsonProcessingException e, JsonParser parser, byte[] body) {
    return invalid(failure(e, parser, body), " after the JSON value");
  }

  private record Failure(String what, int line, int column) {}

  private static GatewayException.InvalidRequest invalid(Failure f, String suffix) {
    String where = f.line > 0 && f.column > 0 ? " at line " + f.line + ", column " + f.column : "";
    return new GatewayException.InvalidRequest("invalid_json", null, PREFIX + f.what + suffix + where);
  }

  private static Failure failure(JsonProcessingException e, JsonParser parser, byte[] body) {
    String msg = String.valueOf(e.getOriginalMessage());
    JsonLocation stopped = e.getLocation() != null && e.getLocation().getLineNr() > 0 ? e.getLocation()
        : parser.currentLocation();
    if (e instanceof StreamConstraintsException) return limit(msg, parser, stopped, body);
    if (e instanceof JsonEOFException || msg.startsWith("Unexpected end-of-input")) return at("unexpected end of input", stopped, -1, body);
    Matcher m = UNEXPECTED_CHAR.matcher(msg);
    if (m.find()) {
      int code = m.group(4) != null ? m.group(4).charAt(0) : Integer.parseInt(m.group(2) != null ? m.group(2) : m.group(3));
      long pos = charPosition(code, stopped, body);
      // the parser may name only the first byte of a multi-byte character: read the character from the body
      int c = pos >= 0 && (body[(int) pos] & 0xff) >= 0x80 ? characterAt(body, (int) pos) : code;
      String what = c < 0 ? "the body is not valid UTF-8"
          : Character.isISOControl(c) ? "unexpected control character (code " + c + ")"
          : "unexpected character '" + new String(Character.toChars(c)) + "'";
      return at(what, stopped, pos, body);
    }
    m = CONTROL_CHAR.matcher(msg);
    if (m.find()) {
      int code = Integer.parseInt(m.group(2));
      String what = m.group(1) != null ? "unescaped control character (code " + code + ") inside a string"
          : "unexpected control character (code " + code + ")";
      return at(what, stopped, charPosition(code, stopped, body), body);
    }
    m = TOKEN.matcher(msg);
    if (m.find()) {
      String token = m.group(2);
      String shown = token.length() > MAX_ECHOED_TOKEN ? token.substring(0, MAX_ECHOED_TOKEN) + "..." : token;
      String what = m.group(1).equals("Non-standard") ? "'" + shown + "' is not a JSON value" : "unexpected text '" + shown + "'";
      return at(what, stopped, tokenStart(body, offset(stopped), token), body);
    }
    if (msg.startsWith("Unrecognized character escape")) return at("invalid escape sequence in a string", stopped, -1, body);
    if (msg.contains("Invalid UTF-8")) return at("the body is not valid UTF-8", stopped, -1, body);
    if (msg.startsWith("Invalid numeric value")) return at("invalid number", stopped, numberStart(body, offset(stopped)), body);
    return at("the body is not valid JSON", stopped, -1, body);
  }

  /** One of the reader's size limits, which bound what a body may hold beyond limits.max_body_bytes. */
  private static Failure limit(String msg, JsonParser parser, JsonLocation stopped, byte[] body) {
    StreamReadConstraints c = Json.MAPPER.getFactory().streamReadConstraints();
    if (msg.startsWith("Document nesting depth")) {
      // the bracket one level too deep is the token the parser was starting
      return at("nesting is deeper than " + c.getMaxNestingDepth() + " levels", parser.currentTokenLocation(), -1, body);
    }
    if (msg.startsWith("Number value length")) {
      return at("a number is longer than " + c.getMaxNumberLength() + " characters", stopped,
          numberStart(body, offset(stopped)), body);
    }
    if (msg.startsWith("String value length")) {
      return at("a string is longer than " + c.getMaxStringLength() + " characters", stopped,
          stringStart(body, offset(stopped)), body);
    }
    if (msg.startsWith("Name length")) {
      return at("a field name is longer than " + c.getMaxNameLength() + " characters", stopped,
          stringStart(body, offset(stopped)), body);
    }
    if (msg.startsWith("Document length")) {
      return at("the body is longer than " + c.getMaxDocumentLength() + " bytes", stopped, -1, body);
    }
    if (msg.startsWith("Token count")) {
      return at("the body has more than " + c.getMaxTokenCount() + " JSON values, names and brackets", stopped, -1, body);
    }
    return at("the body exceeds a size limit of the JSON reader", stopped, -1, body);
  }

  /**
   * The position of {@code start} (a byte offset on the same line as {@code loc}, before it), or of
   * {@code loc} itself when {@code start} is -1 or cannot be placed.
   */
  private static Failure at(String what, JsonLocation loc, long start, byte[] body) {
    long end = offset(loc);
    if (start < 0 || end < 0 || start > end || end > body.length) return new Failure(what, loc.getLineNr(), loc.getColumnNr());
    for (long i = start; i < end; i++) {
      if (body[(int) i] == '\n' || body[(int) i] == '\r') return new Failure(what, loc.getLineNr(), loc.getColumnNr());
    }
    return new Failure(what, loc.getLineNr(), (int) (loc.getColumnNr() - (end - start)));
  }

  /** The parser stops on or just after a bad character, or a byte of one: where the character starts, or -1. */
  private static long charPosition(int code, JsonLocation loc, byte[] body) {
    long end = offset(loc);
    if (end < 0) return -1;
    byte[] encoded = new String(Character.toChars(code)).getBytes(StandardCharsets.UTF_8);
    for (long i = end; i >= end - encoded.length; i--) {
      if (regionMatches(body, (int) i, encoded)) return i;
    }
    if (code >= 0x80 && code <= 0xff) { // one byte of a multi-byte character
      for (long i = end; i >= end - 1 && i >= 0; i--) {
        if (i < body.length && (body[(int) i] & 0xff) == code) return i;
      }
    }
    return -1;
  }

  /** The character whose UTF-8 encoding starts at {@code pos}, or -1 when the bytes there are not one. */
  private static int characterAt(byte[] body, int pos) {
    int lead = body[pos] & 0xff;
    int length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
    if (length == 0 || pos + length > body.length) return -1;
    String decoded = new String(body, pos, length, StandardCharsets.UTF_8);
    int c = decoded.codePointAt(0);
    return c == 0xfffd || Character.charCount(c) != decoded.length() ? -1 : c;
  }

  private static long offset(JsonLocation loc) {
    return loc == null ? -1 : loc.getByteOffset();
  }

  /** Where a bad word that the parser stopped reading at {@code end} (or one byte later) begins. */
  private static long tokenStart(byte[] body, long end, String token) {
    String text = token.endsWith("...") ? token.substring(0, token.length() - 3) : token;
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    if (end < 0 || t.length == 0) return -1;
    for (long i = Math.min(end, body.length) - t.length; i >= 0 && i >= end - t.length - 1; i--) {
      if (regionMatches(body, (int) i, t)) return i;
    }
    return -1;
  }

  /** Where the number that ends at or just before {@code end} begins. */
  private static long numberStart(byte[] body, long end) {
    if (end < 0 || end > body.length) return -1;
    long i = end;
    if (i > 0 && !isNumberByte(body[(int) i - 1])) i--; // the parser may have read the byte after the number
    while (i > 0 && isNumberByte(body[(int) i - 1])) i--;
    return i < end ? i : -1;
  }

  /** The opening quote of the name or string that the parser was reading when it stopped at {@code end}. */
  private static long stringStart(byte[] body, long end) {
    if (end < 0 || end > body.length) return -1;
    long i = end - 1;
    while (i >= 0 && body[(int) i] != '"') i--; // back to the closing quote, if the parser read that far
    for (i--; i >= 0; i--) {
      if (body[(int) i] != '"') continue;
      int backslashes = 0;
      while (i - 1 - backslashes >= 0 && body[(int) (i - 1 - backslashes)] == '\\') backslashes++;
      if (backslashes % 2 == 0) return i; // inside a string every backslash pairs with what follows it
    }
    return -1;
  }

  private static boolean isNumberByte(byte b) {
    return (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E';
  }

  private static boolean regionMatches(byte[] body, int from, byte[] t) {
    if (from < 0 || from + t.length > body.length) return false;
    for (int j = 0; j < t.length; j++) if (body[from + j] != t[j]) return false;
    return true;
  }
}

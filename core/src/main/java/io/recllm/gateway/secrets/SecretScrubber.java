package io.recllm.gateway.secrets;

import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.error.GatewayException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The gateway's secrets (provider keys, the gateway key, and whatever other code adds, e.g. virtual
 * keys) and the one rule for keeping them out of text that leaves the gateway: an upstream that quotes
 * a key in its error message must not have that key relayed to the client, logged, or stored in the
 * request log. Every occurrence is replaced with a mask that still tells keys apart: the first 3 and
 * last 4 characters ({@code sk-...1234}) for secrets of {@value #SHOW_ENDS_FROM} characters or more,
 * {@code [REDACTED]} for shorter ones. Secrets shorter than {@value #MIN_LENGTH} characters are not
 * scrubbed: at that length they are likely ordinary words ("test", "local") that masking would garble
 * everywhere, and they protect nothing anyway.
 *
 * <p>Also masked: a secret's JSON-escaped and URL-encoded forms, and its start when a text ends with it
 * (an upstream body quoted up to a length limit may cut a key in two). Thread-safe; adding is cheap and
 * scrubbing only happens on failures.
 */
public final class SecretScrubber {

  /** Secrets shorter than this are ignored. */
  public static final int MIN_LENGTH = 8;
  /** From this length on, a mask shows the secret's first 3 and last 4 characters. */
  public static final int SHOW_ENDS_FROM = 20;
  static final String REDACTED = "[REDACTED]";

  private static final Pattern SECRET_HEADER = Pattern.compile("(?i).*(authorization|key|token|secret|password).*");
  private static final Pattern TRUNCATION = Pattern.compile("(\\s*(\\.\\.\\.|\u2026))+$");

  private record Secret(String text, List<String> forms, String mask) {}

  private volatile List<Secret> secrets = List.of();

  /** The secrets a configuration holds: provider keys, secret-looking provider headers, trust-store passwords, the gateway key. */
  public static SecretScrubber of(GatewayConfig config) {
    SecretScrubber s = new SecretScrubber();
    s.add(config.apiKey());
    for (ProviderConfig p : config.providers().values()) {
      s.add(p.apiKey());
      p.apiKeys().forEach(s::add);
      if (p.tls() != null) s.add(p.tls().trustStorePassword());
      if (p.headers() != null) {
        for (Map.Entry<String, String> h : p.headers().entrySet()) {
          if (h.getKey() == null || h.getValue() == null || !SECRET_HEADER.matcher(h.getKey()).matches()) continue;
          String value = h.getValue().strip();
          s.add(value);
          int space = value.indexOf(' '); // "Bearer <token>", "Basic <credentials>"
          if (space > 0) s.add(value.substring(space + 1).strip());
        }
      }
    }
    return s;
  }

  /**
   * Scrubs {@code secret} from now on. Returns false (and ignores it) when it is null or shorter than
   * {@value #MIN_LENGTH} characters.
   */
  public boolean add(String secret) {
    if (secret == null || secret.strip().length() < MIN_LENGTH) return false;
    String text = secret.strip();
    synchronized (this) {
      for (Secret s : secrets) if (s.text.equals(text)) return true;
      List<Secret> next = new ArrayList<>(secrets);
      next.add(new Secret(text, forms(text), mask(text)));
      next.sort(Comparator.comparingInt((Secret s) -> s.text.length()).reversed()); // a key inside a longer one goes last
      secrets = List.copyOf(next);
    }
    return true;
  }

  /** How many secrets are scrubbed. */
  public int size() {
    return secrets.size();
  }

  /** {@code text} with every secret masked; the same instance when it held none. */
  public String scrub(String text) {
    if (text == null || text.isEmpty()) return text;
    String out = text;
    for (Secret s : secrets) {
      for (String form : s.forms) {
        if (out.contains(form)) out = out.replace(form, s.mask);
      }
    }
    for (Secret s : secrets) out = scrubCutOff(out, s);
    return out;
  }

  /** Whether {@code text} holds a secret, whole or cut off at its end. */
  public boolean containsSecret(String text) {
    return text != null && !scrub(text).equals(text);
  }

  /**
   * {@code t} without secrets in any message of it or its causes. A {@link GatewayException} stays the
   * same kind; any other failure that held a secret is replaced by a {@link RedactedException} with the
   * same stack trace. Returns {@code t} itself when nothing held a secret.
   */
  public Throwable scrub(Throwable t) {
    return scrub(t, 0);
  }

  /** {@link #scrub(Throwable)} for the gateway's own failures. */
  public GatewayException scrub(GatewayException e) {
    return (GatewayException) scrub((Throwable) e, 0);
  }

  private Throwable scrub(Throwable t, int depth) {
    if (t == null) return null;
    Throwable cause = t.getCause() == null || t.getCause() == t || depth > 16 ? t.getCause() : scrub(t.getCause(), depth + 1);
    if (t instanceof GatewayException g) return g.redacted(this::scrub, cause);
    String message = t.getMessage();
    String scrubbed = scrub(message);
    if (cause == t.getCause() && (message == null || scrubbed.equals(message))) return t;
    RedactedException r = new RedactedException(t.getClass().getName() + (scrubbed == null ? "" : ": " + scrubbed), cause);
    r.setStackTrace(t.getStackTrace());
    return r;
  }

  /** A failure whose message held a secret, standing in for it with the message scrubbed and the original class named. */
  public static final class RedactedException extends RuntimeException {
    RedactedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The secret as it may appear in a JSON string or a URL, besides itself. */
  private static List<String> forms(String secret) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(secret);
    String json = secret.replace("\\", "\\\\").replace("\"", "\\\"");
    forms.add(json);
    forms.add(json.replace("/", "\\/"));
    String url = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    forms.add(url);
    forms.add(url.replace("+", "%20"));
    return List.copyOf(forms);
  }

  static String mask(String secret) {
    if (secret.length() < SHOW_ENDS_FROM) return REDACTED;
    return secret.substring(0, 3) + "..." + secret.substring(secret.length() - 4);
  }

  /** A text cut at a length limit may end with the first part of a secret: mask that part. */
  private static String scrubCutOff(String text, Secret s) {
    var m = TRUNCATION.matcher(text);
    int end = m.find() ? m.start() : text.length();
    String secret = s.text;
    for (int n = Math.min(secret.length() - 1, end); n >= MIN_LENGTH; n--) {
      if (text.regionMatches(end - n, secret, 0, n)) {
        return text.substring(0, end - n) + s.mask + text.substring(end);
      }
    }
    return text;
  }
}

package io.recllm.gateway.pii;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in detectors. Each checks what it can (Luhn for cards, mod 97 for IBANs, libphonenumber's
 * validity for phones) so that ordinary numbers in a prompt are left alone, and each first asks the
 * {@link TextFacts} whether the text can hold its kind at all: a prompt without digits never reaches
 * a number detector, which keeps redaction of an ordinary prompt within a few microseconds.
 */
final class Detectors {

  static final String EMAIL = "email";
  static final String PHONE = "phone";
  static final String CARD = "card";
  static final String IBAN = "iban";
  static final String SSN = "ssn";
  static final String IP = "ip";
  static final String SECRET = "secret";

  /** The built-in detector names, as the {@code pii.detectors} keys. */
  static final Set<String> BUILT_IN = Set.of(EMAIL, PHONE, CARD, IBAN, SSN, IP, SECRET);

  /** Where a detector found a value: [start, end) of the text. */
  record Match(int start, int end) {}

  /** One kind of value. {@code find} adds what it finds, in any order, possibly overlapping others. */
  interface Detector {
    String kind();

    void find(String text, TextFacts facts, List<Match> out);
  }

  /** What one pass over the text learned, so detectors skip texts that cannot hold their kind. */
  static final class TextFacts {
    private static final byte DIGIT = 1;
    private static final byte DOT = 2;
    private static final byte COLON = 4;
    private static final byte AT = 8;
    private static final byte DASH = 16;
    private static final byte TOKEN = 32;
    /** Each ASCII character's classes, so the pass is one table look-up per character. */
    private static final byte[] CLASSES = new byte[128];

    static {
      for (char c = 0; c < 128; c++) {
        byte k = 0;
        if (c >= '0' && c <= '9') k |= DIGIT;
        if (c == '.') k |= DOT;
        if (c == ':') k |= COLON;
        if (c == '@') k |= AT;
        if (c == '-') k |= DASH;
        if (isTokenChar(c)) k |= TOKEN;
        CLASSES[c] = k;
      }
    }

    final int digits;
    final int dots;
    final int colons;
    final boolean at;
    final boolean dash;
    final int longestToken;

    TextFacts(String text) {
      int d = 0;
      int dt = 0;
      int c = 0;
      int seen = 0;
      int run = 0;
      int longest = 0;
      for (int i = 0, n = text.length(); i < n; i++) {
        char ch = text.charAt(i);
        int k = ch < 128 ? CLASSES[ch] : 0;
        seen |= k;
        d += k & DIGIT;
        dt += (k & DOT) >> 1;
        c += (k & COLON) >> 2;
        if ((k & TOKEN) != 0) {
          if (++run > longest) longest = run;
        } else {
          run = 0;
        }
      }
      digits = d;
      dots = dt;
      colons = c;
      at = (seen & AT) != 0;
      dash = (seen & DASH) != 0;
      longestToken = longest;
    }
  }

  private Detectors() {}

  /** The detector of a built-in kind; {@code phone} parses numbers without a country code as US numbers. */
  static Detector builtIn(String kind) {
    return switch (kind) {
      case EMAIL -> new Email();
      case PHONE -> new Phone("US");
      case CARD -> new Card();
      case IBAN -> new Iban();
      case SSN -> new Ssn();
      case IP -> new Ip();
      case SECRET -> new Secret();
      default -> throw new IllegalArgumentException("no built-in detector " + kind);
    };
  }

  static Detector custom(String name, Pattern regex) {
    return new Detector() {
      @Override public String kind() { return name; }

      @Override public void find(String text, TextFacts facts, List<Match> out) {
        Matcher m = regex.matcher(text);
        while (m.find()) {
          if (m.end() > m.start()) out.add(new Match(m.start(), m.end()));
        }
      }
    };
  }

  static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '-' || c == '+' || c == '/' || c == '=';
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Around each {@code @}: a local part and a domain with a dot and a top-level domain of letters. */
  static final class Email implements Detector {
    @Override public String kind() { return EMAIL; }

    @Override public void find(String text, TextFacts facts, List<Match> out) {
      if (!facts.at) return;
      int from = 0;
      for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', Math.max(at + 1, from))) {
        int s = at;
        while (s > from && isLocal(text.charAt(s - 1))) s--;
        while (s < at && text.charAt(s) == '.') s++;
        int e = at + 1;
        while (e < text.length() && isDomain(text.charAt(e))) e++;
        while (e > at + 1 && (text.charAt(e - 1) == '.' || text.charAt(e - 1) == '-')) e--;
        if (s == at || !validDomain(text, at + 1, e)) continue;
        out.add(new Match(s, e));
        from = e;
      }
    }

    private static boolean isLocal(char c) {
      return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isDomain(char c) {
      return isAlnum(c) || c == '.' || c == '-';
    }

    private static boolean validDomain(String text, int s, int e) {
      int dot = text.lastIndexOf('.', e - 1);
      if (dot <= s || e - dot - 1 < 2) return false;
      for (int i = dot + 1; i < e; i++) {
        if (!Character.isLetter(text.charAt(i))) return false;
      }
      return true;
    }
  }

  /** Google's libphonenumber, numbers it finds valid for their region (with a country code, or as {@code region}). */
  static final class Phone implements Detector {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private final String region;

    Phone(String region) {
      this.region = region;
    }

    @Override public String kind() { return PHONE; }

    @Override public void find(String text, TextFacts facts, List<Match> out) {
      if (facts.digits < 7) return;
      for (PhoneNumberMatch m : UTIL.findNumbers(text, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
        out.add(new Match(m.start(), m.end()));
      }
    }
  }

  /** 13 to 19 digits, in groups separated by single spaces or dashes, that pass the Luhn check. */
  static final class Card implements Detector {
    @Override public String kind() { return CARD; }

    @Override public void find(String text, TextFacts facts, List<Match> out) {
      if (facts.digits < 13) return;
      int n = text.length();
      int i = 0;
      while (i < n) {
        if (!isDigit(text.charAt(i)) || (i > 0 && isAlnum(text.charAt(i - 1)))) {
          i++;
          continue;
        }
        int e = i;
        int digits = 0;
        while (e < n) {
          char c = text.charAt(e);
          if (isDigit(c)) {
            digits++;
            e++;
          } else if ((c == ' ' || c == '-') && e + 1 < n && isDigit(text.charAt(e + 1))) {
            e++;
          } else {
            break;
          }
        }
        if (digits >= 13 && digits <= 19 && (e == n || !isAlnum(text.charAt(e))) && luhn(text, i, e)) {
          out.add(new Match(i, e));
        }
        i = e;
      }
    }

    static boolean luhn(String text, int s, int e) {
      int sum = 0;
      boolean twice = false;
      for (int i = e - 1; i >= s; i--) {
        char c = text.charAt(i);
        if (!isDigit(c)) continue;
        int d = c - '0';
        if (twice) {
          d *= 2;
          if (d > 9) d -= 9;
        }
        sum += d;
        twice = !twice;
      }
      return sum % 10 == 0;
    }
  }

  /** A country code, two check digits and 11 to 30 letters or digits (spaces allowed), whose mod-97 is 1. */
  static final class Iban implements Detector {
    private static final Pattern CANDIDATE = Pattern.compile("\\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\\b");

    @Override public String kind() { return IBAN; }

    @Override public void find(String text, TextFacts facts, List<Match> out) {
      if (facts.digits < 10) return;
      Matcher m = CANDIDATE.matcher(text);
      while (m.find()) {
        int e = m.end();
        // the candidate may have taken the words after it ("... 0130 00 AND"): drop groups until it checks
        while (e - m.start() >= 15) {
          if (valid(text, m.start(), e)) {
            out.add(new Match(m.start(), e));
            break;
          }
          int space = text.lastIndexOf(' ', e - 1);
          if (space <= m.start()) break;
          e = space;
        }
      }
    }

    static boolean valid(String text, int s, int e) {
      StringBuilder compact = new StringBuilder(34);
      for (int i = s; i < e; i++) {
        char c = text.charAt(i);
        if (c != ' ') compact.append(c);
      }
      if (compact.length() < 15 || compact.length() > 34) return false;
      String moved = compact.substring(4) + compact.substring(0, 4);
      StringBuilder digits = new StringBuilder(moved.length() * 2);
      for (int i = 0; i < moved.length(); i++) {
        char c = moved.charAt(i);
        digits.append(isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
      }
      return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }
  }

  /** A US social security number written 123-45-6789, without the numbers never issued (000, 666, 9xx, 00, 0000). */
  static final class Ssn implements Detector {
    private static final Pattern NUMBER =
        Pattern.compile("(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\d-])");

    @Override public String kind() { return SSN; }

    @Override public void find(String text, TextFacts facts, List<Match> out) {
      if (facts.digits < 9 || !facts.dash) return;
      Matcher m = NUMBER.matcher(text);
      while (m.find()) out.add(new Match(m.start(), m.end()));
    }
  }

  /** IPv4 in dotted quads; IPv6 as the JDK parses a literal (no name lookup: a literal with a colon is never resolved). */
  static final class Ip implements Detector {
    @Override public String kind() { return IP; }

    @Override public void find(String text, TextFacts facts, List<Match> out) {
      if (facts.digits >= 4 && facts.dots >= 3) v4(text, out);
      if (facts.colons >= 2) v6(text, out);
    }

    /** Read by hand: a regular expression tried at every position of a 2 KB prompt costs a hundred times more. */
    private static void v4(String text, List<Match> out) {
      int n = text.length();
      int dot = text.indexOf('.');
      while (dot > 0) {
        int s = dot;
        while (s > 0 && isDigit(text.charAt(s - 1)) && dot - s < 3) s--;
        if (s == dot || (s > 0 && (isDigit(text.charAt(s - 1)) || text.charAt(s - 1) == '.'))) {
          dot = text.indexOf('.', dot + 1);
          continue;
        }
        int e = quad(text, s, n);
        if (e > 0) {
          out.add(new Match(s, e));
          dot = text.indexOf('.', e);
        } else {
          dot = text.indexOf('.', dot + 1);
        }
      }
    }

    /** The end of four octets from {@code s}, or -1. */
    private static int quad(String text, int s, int n) {
      int i = s;
      for (int part = 0; part < 4; part++) {
        if (part > 0) {
          if (i >= n || text.charAt(i) != '.') return -1;
          i++;
        }
        int start = i;
        int value = 0;
        while (i < n && isDigit(text.charAt(i)) && i - start < 3) value = value * 10 + (text.charAt(i++) - '0');
        int len = i - start;
        if (len == 0 || value > 255 || (len > 1 && text.charAt(start) == '0')) return -1;
      }
      if (i < n && (isDigit(text.charAt(i)) || (text.charAt(i) == '.' && i + 1 < n && isDigit(text.charAt(i + 1))))) return -1;
      return i;
    }

    private static void v6(String text, List<Match> out) {
      int n = text.length();
      int i = text.indexOf(':');
      while (i >= 0) {
        int s = i;
        while (s > 0 && isV6(text.charAt(s - 1))) s--;
        int e = i;
        while (e < n && isV6(text.charAt(e))) e++;
        // a sentence may end on the address: "... at fe80::1."
        while (e > s && text.charAt(e - 1) == '.') e--;
        if (e - 1 > s && text.charAt(e - 1) == ':' && text.charAt(e - 2) != ':') e--;
        boolean bounded = (s == 0 || !Character.isLetterOrDigit(text.charAt(s - 1)))
            && (e == n || !Character.isLetterOrDigit(text.charAt(e)));
        if (bounded && e - s >= 3 && colons(text, s, e) >= 2 && hasHexDigit(text, s, e) && isV6Literal(text.substring(s, e))) {
          out.add(new Match(s, e));
        }
        i = text.indexOf(':', Math.max(e, i + 1));
      }
    }

    private static boolean isV6(char c) {
      return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
    }

    private static int colons(String text, int s, int e) {
      int c = 0;
      for (int i = s; i < e; i++) if (text.charAt(i) == ':') c++;
      return c;
    }

    private static boolean hasHexDigit(String text, int s, int e) {
      for (int i = s; i < e; i++) if (text.charAt(i) != ':' && text.charAt(i) != '.') return true;
      return false;
    }

    private static boolean isV6Literal(String s) {
      try {
        InetAddress.getByName("[" + s + "]");
        return true;
      } catch (UnknownHostException | IllegalArgumentException e) {
        return false;
      }
    }
  }

  /**
   * API keys and tokens: the prefixes of common providers (OpenAI/Anthropic {@code sk-}, AWS {@code AKIA},
   * GitHub {@code ghp_} and kin, Slack {@code xox?-}, Google {@code AIza}, GitLab {@code glpat-}), and
   * any other long token of mixed letters and digits whose characters are as varied as a random key's.
   */
  static final class Secret implements Detector {
    private static final String[] PREFIXES = {"sk-ant-", "sk-", "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
        "github_pat_", "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-", "AIza", "glpat-"};
    /** Shortest token the prefix rules consider, and the shortest judged by entropy alone. */
    private static final int MIN_PREFIXED = 16;
    private static final int MIN_RANDOM = 32;
    /** Bits per character: random base62 of 32+ characters is above 4.4, English words and camelCase stay below 4. */
    private static final double MIN_ENTROPY = 4.2;

    @Override public String kind() { return SECRET; }

    @Override public void find(String text, TextFacts facts, List<Match> out) {
      if (facts.longestToken < MIN_PREFIXED) return;
      int n = text.length();
      int i = 0;
      while (i < n) {
        if (!isTokenChar(text.charAt(i))) {
          i++;
          continue;
        }
        int e = i;
        while (e < n && isTokenChar(text.charAt(e))) e++;
        if (e - i >= MIN_PREFIXED && (prefixed(text, i, e) || random(text, i, e))) out.add(new Match(i, e));
        i = e;
      }
    }

    private static boolean prefixed(String text, int s, int e) {
      for (String p : PREFIXES) {
        if (text.startsWith(p, s)) return e - s - p.length() >= 16;
      }
      return false;
    }

    static boolean random(String text, int s, int e) {
      if (e - s < MIN_RANDOM) return false;
      boolean upper = false;
      boolean lower = false;
      boolean digit = false;
      int[] counts = new int[128];
      for (int i = s; i < e; i++) {
        char c = text.charAt(i);
        counts[c]++;
        upper |= c >= 'A' && c <= 'Z';
        lower |= c >= 'a' && c <= 'z';
        digit |= isDigit(c);
      }
      if (!(digit && (upper || lower))) return false;
      double len = e - s;
      double bits = 0;
      for (int c : counts) {
        if (c > 0) {
          double p = c / len;
          bits -= p * Math.log(p) / Math.log(2);
        }
      }
      return bits >= MIN_ENTROPY;
    }
  }
}

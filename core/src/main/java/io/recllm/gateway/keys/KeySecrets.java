package io.recllm.gateway.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Virtual key secrets: made from 256 random bits, kept only as their hex SHA-256. */
public final class KeySecrets {

  public static final String PREFIX = "sk-rlg-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeySecrets() {}

  /** A new secret: {@code sk-rlg-} and 256 random bits in URL-safe base64 (43 characters). */
  public static String newSecret() {
    byte[] bits = new byte[32];
    RANDOM.nextBytes(bits);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
  }

  /** A new key id; not secret, it names the key in the request log and the admin API. */
  static String newId() {
    byte[] bits = new byte[8];
    RANDOM.nextBytes(bits);
    return "key_" + HexFormat.of().formatHex(bits);
  }

  public static String hash(String secret) {
    return HexFormat.of().formatHex(sha256(secret));
  }

  /** Compares two hex digests in constant time. */
  static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  /** Enough of the secret to tell keys apart in a list, far too little to guess it. */
  static String hint(String secret) {
    return secret.length() < 16 ? "****" : secret.substring(0, PREFIX.length() + 2) + "..." + secret.substring(secret.length() - 4);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.recllm.gateway.pii;

import java.util.Locale;

/** What the gateway does with a value a detector found. */
public enum PiiMode {
  /** Left as it is (the detector does not run). */
  OFF,
  /** Replaced by its kind, e.g. {@code [EMAIL]}; the model and the answer see only the kind. */
  MASK,
  /** The call is refused with 400 {@code pii_detected}, naming the kinds found and never the values. */
  BLOCK,
  /** Replaced by a placeholder such as {@code <EMAIL_1>} going upstream and put back into the answer. */
  RESTORE;

  static PiiMode parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }

  static String names() {
    return "off, mask, block, restore";
  }
}

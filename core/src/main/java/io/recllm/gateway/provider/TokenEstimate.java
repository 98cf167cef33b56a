package io.recllm.gateway.provider;

/**
 * A running token count of streamed text, for upstreams that send no usage. Text is counted in pieces
 * of a few KB cut at whitespace, so memory per stream stays bounded and a long run of text without
 * spaces cannot make the tokenizer's work grow with the square of its length.
 */
public final class TokenEstimate {

  private static final int PIECE = 4096;

  private final StringBuilder pending = new StringBuilder();
  private long counted;

  public void append(String text) {
    pending.append(text);
    if (pending.length() >= PIECE) flush(false);
  }

  public long tokens() {
    flush(true);
    return counted;
  }

  private void flush(boolean all) {
    if (pending.length() == 0) return;
    int cut = pending.length();
    if (!all) {
      int space = pending.lastIndexOf(" ");
      if (space > PIECE / 2) cut = space; // keep the last word whole for the next piece
    }
    counted += TokenCounter.count(pending.substring(0, cut));
    pending.delete(0, cut);
  }
}

package io.recllm.gateway.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The outcomes a call is retried on (and a route falls over on): the {@code retries.on} list of HTTP
 * statuses plus {@code connect} and {@code timeout}. A 4xx other than 408, 409 and 429 can never be
 * listed: it means the request itself was refused, and sending it again gets the same answer.
 */
public record RetryOn(Set<Integer> statuses, boolean connect, boolean timeout) {

  /** {@code [429, 500, 502, 503, 504, 529, connect, timeout]}. */
  public static final RetryOn DEFAULT = new RetryOn(Set.of(429, 500, 502, 503, 504, 529), true, true);

  public RetryOn {
    statuses = Set.copyOf(statuses);
    for (int s : statuses) {
      String problem = problem(s);
      if (problem != null) throw new IllegalArgumentException(problem);
    }
  }

  /**
   * Parses the list's items, each an HTTP status (a number, or its digits as text), {@code connect}
   * or {@code timeout}.
   *
   * @throws IllegalArgumentException for the first item that is none of these, naming its index
   */
  public static RetryOn parse(List<String> items) {
    Set<Integer> statuses = new TreeSet<>();
    boolean connect = false;
    boolean timeout = false;
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i) == null ? "" : items.get(i).trim().toLowerCase();
      switch (item) {
        case "connect" -> connect = true;
        case "timeout" -> timeout = true;
        default -> {
          if (!item.matches("\\d{3}")) {
            throw new IllegalArgumentException("[" + i + "]: must be an HTTP status (408, 409, 429 or 500-599), "
                + "connect or timeout, got \"" + items.get(i) + "\"");
          }
          int status = Integer.parseInt(item);
          String problem = problem(status);
          if (problem != null) throw new IllegalArgumentException("[" + i + "]: " + problem);
          statuses.add(status);
        }
      }
    }
    return new RetryOn(statuses, connect, timeout);
  }

  private static String problem(int status) {
    if (status >= 500 && status <= 599 || status == 408 || status == 409 || status == 429) return null;
    if (status >= 400 && status <= 499) {
      return status + " is never retried: a 4xx other than 408, 409 and 429 means the request itself was refused";
    }
    return status + " is not a failure status (use 408, 409, 429 or 500-599)";
  }

  public boolean matches(Outcome o) {
    if (o.circuitOpen()) return false;
    return o.connect() && connect || o.timeout() && timeout || o.status() != 0 && statuses.contains(o.status());
  }

  /** The list as written in config, statuses first. */
  public List<String> items() {
    List<String> out = new ArrayList<>();
    new TreeSet<>(statuses).forEach(s -> out.add(String.valueOf(s)));
    if (connect) out.add("connect");
    if (timeout) out.add("timeout");
    return out;
  }
}

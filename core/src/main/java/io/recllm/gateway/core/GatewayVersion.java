package io.recllm.gateway.core;

/** The gateway's version, for {@code --version}, the start-up line, {@code /health} and {@code /ready}. */
public final class GatewayVersion {

  private static final String CURRENT = read();

  private GatewayVersion() {}

  /**
   * The POM's version, from the manifest of the jar the gateway runs from ({@code Implementation-Version});
   * {@code dev} when it runs from a build's class folders, which carry no manifest.
   */
  public static String current() {
    return CURRENT;
  }

  private static String read() {
    String v = GatewayVersion.class.getPackage().getImplementationVersion();
    return v != null && !v.isBlank() ? v : "dev";
  }
}

package io.recllm.gateway.http;

import io.recllm.gateway.config.GatewayConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whether the gateway is reachable from other machines, and the warning when it is with no key. */
public final class ListenAddress {

  private static final Logger LOG = LoggerFactory.getLogger("io.recllm.gateway");

  private ListenAddress() {}

  /** True when {@code host} names only this machine (127.0.0.0/8, ::1, localhost). */
  public static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      for (InetAddress a : InetAddress.getAllByName(h)) {
        if (!a.isLoopbackAddress()) return false;
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Anyone who can reach an open gateway spends its provider keys: warn when it listens beyond loopback
   * without {@code api_key}.
   */
  public static void warnIfOpen(GatewayConfig config, int port) {
    if (config.authEnabled() || isLoopback(config.host())) return;
    LOG.warn("The gateway listens on {}:{}, reachable from other machines, without a gateway key: anyone who can "
        + "connect can spend the provider keys. Set api_key (REC_LLM_GATEWAY_KEY), or listen on 127.0.0.1 "
        + "(host, REC_LLM_GATEWAY_HOST or --host).", config.host(), port);
  }
}

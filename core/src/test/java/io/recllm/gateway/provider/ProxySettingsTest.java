package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.ProxyType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxySettingsTest {

  @Test
  void httpsProxyIsUsedForHttpsUpstreamsWithCredentials() {
    ProxySettings s = ProxySettings.forScheme("https",
        Map.of("HTTPS_PROXY", "http://user:pa55@proxy.corp:3128", "NO_PROXY", "localhost,.internal.corp,10.1.2.3:8080"));
    assertThat(s.proxy().getHost()).isEqualTo("proxy.corp");
    assertThat(s.proxy().getPort()).isEqualTo(3128);
    assertThat(s.proxy().getType()).isEqualTo(ProxyType.HTTP);
    assertThat(s.proxy().getUsername()).isEqualTo("user");
    assertThat(s.proxy().getPassword()).isEqualTo("pa55");
    assertThat(s.bypasses("localhost")).isTrue();
    assertThat(s.bypasses("api.internal.corp")).isTrue();
    assertThat(s.bypasses("internal.corp")).isTrue();
    assertThat(s.bypasses("10.1.2.3")).isTrue();
    assertThat(s.bypasses("api.openai.com")).isFalse();
  }

  @Test
  void lowerCaseVariablesAndSchemesAreHonoured() {
    assertThat(ProxySettings.forScheme("http", Map.of("http_proxy", "proxy:8080")).proxy().getPort()).isEqualTo(8080);
    assertThat(ProxySettings.forScheme("http", Map.of("HTTPS_PROXY", "proxy:8080")).proxy()).isNull();
    assertThat(ProxySettings.forScheme("https", Map.of("HTTPS_PROXY", "socks5://s:1080")).proxy().getType())
        .isEqualTo(ProxyType.SOCKS5);
    assertThat(ProxySettings.forScheme("https", Map.of()).proxy()).isNull();
  }
}

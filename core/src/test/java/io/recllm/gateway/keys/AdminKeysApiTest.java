package io.recllm.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.GatewayHarness;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over a SQLite store: create, list, read, change, revoke, rotate, and who may call it. */
class AdminKeysApiTest {

  static final String ADMIN = "admin-test-fake-key-0001";
  static final String MASTER = "sk-test-fake-master-key";

  @TempDir Path dir;
  GatewayHarness gw;

  @AfterEach
  void stop() {
    if (gw != null) gw.close();
  }

  private GatewayHarness start(String extra) {
    return GatewayHarness.start("""
        api_key: %s
        usage: { store: "sqlite:%s" }
        providers: { mock: { type: mock, models: [echo] } }
        default_provider: mock
        """.formatted(MASTER, dir.resolve("usage.db")) + extra, Map.of("REC_LLM_GATEWAY_ADMIN_KEY", ADMIN));
  }

  private HttpResponse<String> admin(String method, String path, String body) throws Exception {
    return AdminCalls.send(gw.baseUrl(), method, path, ADMIN, body);
  }

  @Test
  void createsAKeyThatWorksOnlyForItsModelsAndShowsItsSecretOnce() throws Exception {
    gw = start("");
    HttpResponse<String> created = admin("POST", "/admin/keys", "{\"name\":\"app-a\",\"models\":[\"mock:ech*\"],\"rpm\":100,"
        + "\"budget_usd\":1.5,\"budget_period\":\"daily\",\"metadata\":{\"team\":\"search\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode k = AdminCalls.json(created);
    String secret = k.get("key").asText();
    assertThat(secret).startsWith("sk-rlg-").hasSize("sk-rlg-".length() + 43);
    assertThat(k.get("budget_usd").decimalValue()).isEqualByComparingTo("1.5");
    assertThat(k.get("metadata").get("team").asText()).isEqualTo("search");

    HttpResponse<String> list = admin("GET", "/admin/keys", null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains(k.get("id").asText()).doesNotContain(secret);
    HttpResponse<String> one = admin("GET", "/admin/keys/" + k.get("id").asText(), null);
    assertThat(AdminCalls.json(one).get("name").asText()).isEqualTo("app-a");
    assertThat(one.body()).doesNotContain(secret);

    HttpResponse<String> ok = AdminCalls.chat(gw.baseUrl(), secret, "mock:echo", 50);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    HttpResponse<String> denied = AdminCalls.chat(gw.baseUrl(), secret, "mock:other", 50);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(AdminCalls.json(denied).at("/error/type").asText()).isEqualTo("permission_error");
    assertThat(AdminCalls.json(denied).at("/error/code").asText()).isEqualTo("model_not_allowed");
    // the master key keeps every model
    assertThat(AdminCalls.chat(gw.baseUrl(), MASTER, "mock:other", 50).statusCode()).isEqualTo(200);
  }

  @Test
  void patchChangesRevokeAndRotateCutTheOldSecret() throws Exception {
    gw = start("");
    JsonNode k = AdminCalls.json(admin("POST", "/admin/keys", "{\"name\":\"b\"}"));
    String id = k.get("id").asText();
    String first = k.get("key").asText();
    HttpResponse<String> patched = admin("PATCH", "/admin/keys/" + id, "{\"models\":[\"nothing-*\"],\"rpm\":null}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(AdminCalls.chat(gw.baseUrl(), first, "mock:echo", 20).statusCode()).isEqualTo(403);
    admin("PATCH", "/admin/keys/" + id, "{\"models\":null}");
    assertThat(AdminCalls.chat(gw.baseUrl(), first, "mock:echo", 20).statusCode()).isEqualTo(200);

    HttpResponse<String> rotated = admin("POST", "/admin/keys/" + id + "/rotate", null);
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    String second = AdminCalls.json(rotated).get("key").asText();
    assertThat(second).isNotEqualTo(first);
    assertThat(AdminCalls.chat(gw.baseUrl(), first, "mock:echo", 20).statusCode()).isEqualTo(401);
    assertThat(AdminCalls.chat(gw.baseUrl(), second, "mock:echo", 20).statusCode()).isEqualTo(200);

    HttpResponse<String> revoked = admin("DELETE", "/admin/keys/" + id, null);
    assertThat(AdminCalls.json(revoked).get("status").asText()).isEqualTo("revoked");
    HttpResponse<String> after = AdminCalls.chat(gw.baseUrl(), second, "mock:echo", 20);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(AdminCalls.json(after).at("/error/message").asText()).contains("revoked");
    // the row stays, for the request log
    assertThat(admin("GET", "/admin/keys/" + id, null).statusCode()).isEqualTo(200);
  }

  @Test
  void adminRoutesRefuseTheMasterKeyAndVirtualKeys() throws Exception {
    gw = start("");
    String secret = AdminCalls.json(admin("POST", "/admin/keys", "{\"name\":\"c\"}")).get("key").asText();
    for (String key : new String[] {MASTER, secret}) {
      HttpResponse<String> r = AdminCalls.send(gw.baseUrl(), "GET", "/admin/keys", key, null);
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(AdminCalls.json(r).at("/error/code").asText()).isEqualTo("admin_key_required");
      assertThat(AdminCalls.send(gw.baseUrl(), "POST", "/admin/keys", key, "{\"name\":\"x\"}").statusCode()).isEqualTo(403);
    }
    assertThat(AdminCalls.send(gw.baseUrl(), "GET", "/admin/keys", "wrong-key-0000000000", null).statusCode()).isEqualTo(401);
    assertThat(AdminCalls.send(gw.baseUrl(), "GET", "/admin/keys", null, null).statusCode()).isEqualTo(401);
    // the admin key is no client key
    assertThat(AdminCalls.chat(gw.baseUrl(), ADMIN, "mock:echo", 20).statusCode()).isEqualTo(401);
  }

  @Test
  void adminRoutesAreOffWithoutAnAdminKey() throws Exception {
    gw = GatewayHarness.start("api_key: " + MASTER + "\n", Map.of());
    assertThat(AdminCalls.send(gw.baseUrl(), "GET", "/admin/keys", MASTER, null).statusCode()).isEqualTo(404);
  }

  @Test
  void badSettingsAreA400NamingTheField() throws Exception {
    gw = start("");
    HttpResponse<String> r = admin("POST", "/admin/keys", "{\"name\":\"d\",\"rpm\":0}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(AdminCalls.json(r).at("/error/param").asText()).isEqualTo("rpm");
    assertThat(admin("POST", "/admin/keys", "{\"rpm\":5}").statusCode()).isEqualTo(400);
    assertThat(admin("POST", "/admin/keys", "{\"name\":\"e\",\"expires_at\":\"tomorrow\"}").statusCode()).isEqualTo(400);
    assertThat(admin("POST", "/admin/keys", "{\"name\":\"e\",\"colour\":\"red\"}").statusCode()).isEqualTo(400);
    assertThat(admin("GET", "/admin/keys/key_nope", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theDatabaseHoldsOnlyTheHashOfASecret() throws Exception {
    gw = start("");
    String secret = AdminCalls.json(admin("POST", "/admin/keys", "{\"name\":\"f\"}")).get("key").asText();
    gw.close();
    gw = null;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("usage.db"));
         ResultSet rs = c.createStatement().executeQuery("SELECT key_hash FROM virtual_keys")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(KeySecrets.hash(secret)).hasSize(64);
    }
    for (Path f : Files.list(dir).toList()) {
      assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret);
    }
  }
}

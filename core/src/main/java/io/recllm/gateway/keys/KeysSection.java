package io.recllm.gateway.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ConfigSection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code admin_key} and {@code keys}:
 *
 * <pre>
 * admin_key: ${REC_LLM_GATEWAY_ADMIN_KEY:-}
 * keys:
 *   ci-bot: { key: "${CI_BOT_KEY}", models: ["gpt-4o*"], rpm: 60, budget_usd: 5, budget_period: daily }
 * </pre>
 */
public final class KeysSection implements ConfigSection<KeysSettings> {

  public static final KeysSection SECTION = new KeysSection();

  @Override
  public Set<String> topKeys() {
    return Set.of("admin_key", "keys");
  }

  @Override
  public KeysSettings read(ConfigNode root, Set<String> providers) {
    String admin = root.node().path("admin_key").asText("").strip();
    List<VirtualKey> keys = new ArrayList<>();
    if (root.has("keys") && !root.node().get("keys").isNull()) {
      ConfigNode all = root.child("keys");
      for (Iterator<Map.Entry<String, JsonNode>> it = all.node().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ConfigNode k = all.child(e.getKey());
        if (!e.getValue().isObject()) throw all.fail(e.getKey(), "must be a mapping (key, models, rpm, tpm, max_parallel, budget_usd, ...)");
        String secret = k.string("key", "");
        if (secret.length() < 16) throw k.fail("key", "must be a secret of at least 16 characters");
        VirtualKey base = KeySpec.blank("cfg-" + e.getKey(), 0);
        base = new VirtualKey(base.id(), e.getKey(), KeySecrets.hash(secret), KeySecrets.hint(secret), base.models(), null,
            null, null, null, null, null, null, 0, 0, null, true);
        ObjectNode spec = ((ObjectNode) e.getValue()).deepCopy();
        spec.remove("key");
        keys.add(KeySpec.apply(base, spec, Set.of("key"), (field, problem) -> new ConfigException(
            k.path(field == null ? "" : field) + ": " + problem), 0));
      }
    }
    if (admin.isEmpty() && keys.isEmpty()) return null;
    return new KeysSettings(admin.isEmpty() ? null : KeySecrets.hash(admin), keys);
  }

  @Override
  public KeysSettings defaults() {
    return KeysSettings.NONE;
  }
}

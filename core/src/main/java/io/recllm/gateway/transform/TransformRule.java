package io.recllm.gateway.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Call;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One rule of the {@code transforms} section: which calls it matches, and what it does to their body.
 *
 * @param model a glob ({@code *}, {@code ?}) on {@code provider:model} of the target, or on the model alone when it has no colon; null: any
 * @param provider the target's provider; null: any
 * @param route the model name the client asked for (a route's name); null: any
 * @param key the caller's key name or id; null: any
 * @param set body members set to these values
 * @param defaults body members set only when the client did not send them
 * @param remove body members removed
 * @param addSystem a system message put first, or null
 * @param headers headers sent upstream with the call, over the provider's own
 */
public record TransformRule(Pattern model, String provider, String route, String key, Map<String, JsonNode> set,
                            Map<String, JsonNode> defaults, List<String> remove, String addSystem,
                            Map<String, String> headers) {

  public TransformRule {
    set = Map.copyOf(set);
    defaults = Map.copyOf(defaults);
    remove = List.copyOf(remove);
    headers = Map.copyOf(headers);
  }

  /** A rule that changes only the body. */
  public TransformRule(Pattern model, String provider, String route, String key, Map<String, JsonNode> set,
                       Map<String, JsonNode> defaults, List<String> remove, String addSystem) {
    this(model, provider, route, key, set, defaults, remove, addSystem, Map.of());
  }

  boolean matches(Call call) {
    if (provider != null && !provider.equals(call.target().provider())) return false;
    if (route != null && !route.equals(call.requested().model())) return false;
    if (key != null && !key.equals(call.caller().name()) && !key.equals(call.caller().keyId())) return false;
    if (model == null) return true;
    String target = model.pattern().contains(":") ? call.target().provider() + ":" + call.target().model() : call.target().model();
    return model.matcher(target).matches();
  }

  boolean changesBody() {
    return !set.isEmpty() || !defaults.isEmpty() || !remove.isEmpty() || addSystem != null;
  }

  void apply(ObjectNode body) {
    set.forEach((k, v) -> body.set(k, v.deepCopy()));
    defaults.forEach((k, v) -> {
      if (!body.has(k)) body.set(k, v.deepCopy());
    });
    remove.forEach(body::remove);
    if (addSystem != null && body.get("messages") instanceof com.fasterxml.jackson.databind.node.ArrayNode messages) {
      messages.insertObject(0).put("role", "system").put("content", addSystem);
    }
  }

  /** A glob as a regular expression: {@code *} any run of characters, {@code ?} one, the rest literal. */
  static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*') re.append(".*");
      else if (c == '?') re.append('.');
      else re.append(Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString());
  }
}

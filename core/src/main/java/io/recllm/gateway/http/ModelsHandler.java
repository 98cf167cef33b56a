package io.recllm.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.json.Json;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@code GET /v1/models}: the models clients can name, as {@code provider:model} ids in OpenAI's list
 * format. A provider's own {@code models} config wins; otherwise the built-in price table's models of
 * its type are listed. Built once: the answer only changes with the config.
 */
final class ModelsHandler implements Handler<RoutingContext> {

  private final String body;

  /** @param routes the configured routes' names, listed first: clients name them like models */
  ModelsHandler(Iterable<ProviderConfig> providers, BiFunction<String, String, List<String>> knownModels,
                Collection<String> routes) {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (String route : routes) {
      ObjectNode model = data.addObject();
      model.put("id", route);
      model.put("object", "model");
      model.put("created", 0);
      model.put("owned_by", "rec-llm-gateway");
    }
    for (ProviderConfig p : providers) {
      List<String> models = !p.models().isEmpty() ? p.models() : knownModels.apply(p.name(), p.type());
      for (String m : models) {
        ObjectNode model = data.addObject();
        model.put("id", p.name() + ":" + m);
        model.put("object", "model");
        model.put("created", 0);
        model.put("owned_by", p.name());
      }
    }
    this.body = root.toString();
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "application/json").end(body);
  }
}

package io.recllm.gateway.provider.gemini;

import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderContext;
import io.recllm.gateway.provider.ProviderType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code type: gemini}: Google's Gemini API with {@code api_key}, or Vertex AI with
 * {@code vertex: {project, location, credentials_file}} and OAuth2 from a service account.
 */
public final class GeminiProviderType implements ProviderType<GeminiSettings> {

  public static final String NAME = "gemini";
  public static final String GEMINI_API_URL = "https://generativelanguage.googleapis.com";
  static final String DEFAULT_LOCATION = "us-central1";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> settingsKeys() {
    return Set.of("vertex");
  }

  @Override
  public String defaultBaseUrl(ConfigNode provider) {
    GeminiSettings settings = readSettings(provider);
    return settings.vertex() != null ? settings.vertex().baseUrl() : GEMINI_API_URL;
  }

  @Override
  public GeminiSettings readSettings(ConfigNode provider) {
    if (!provider.has("vertex")) return GeminiSettings.GEMINI_API;
    ConfigNode vertex = provider.child("vertex");
    vertex.checkKeys(Set.of("project", "location", "credentials_file"));
    if (!vertex.has("project")) throw vertex.fail("project", "missing (the Google Cloud project id)");
    String project = vertex.string("project", null);
    String location = vertex.string("location", DEFAULT_LOCATION);
    if (!project.matches("[a-z0-9][a-z0-9.:-]*")) {
      throw vertex.fail("project", "not a Google Cloud project id: \"" + project + "\"");
    }
    if (!location.matches("[a-z0-9-]+")) {
      throw vertex.fail("location", "must look like us-central1 or global, got \"" + location + "\"");
    }
    String credentials = vertex.string("credentials_file", null);
    if (credentials != null && !Files.isReadable(Path.of(credentials))) {
      throw vertex.fail("credentials_file", "cannot read \"" + credentials + "\"");
    }
    return new GeminiSettings(new GeminiSettings.Vertex(project, location, credentials));
  }

  @Override
  public ProviderClient create(ProviderConfig config, GeminiSettings settings, ProviderContext context) {
    GeminiSettings s = settings != null ? settings : GeminiSettings.GEMINI_API;
    VertexCredentials credentials = s.vertex() == null ? null
        : VertexCredentials.load(context.vertx(), config.name(), s.vertex().credentialsFile());
    return new GeminiClient(context.upstream(config), s, credentials);
  }
}

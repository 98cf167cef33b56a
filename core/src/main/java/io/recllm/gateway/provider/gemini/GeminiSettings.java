package io.recllm.gateway.provider.gemini;

/**
 * What {@code type: gemini}'s own keys say: nothing for the Gemini API (the key is the common
 * {@code api_key}), or {@code vertex: {project, location, credentials_file}} for Vertex AI.
 *
 * @param vertex null for the Gemini API
 */
public record GeminiSettings(Vertex vertex) {

  public static final GeminiSettings GEMINI_API = new GeminiSettings(null);

  /**
   * @param credentialsFile a service-account JSON; null for Application Default Credentials
   */
  public record Vertex(String project, String location, String credentialsFile) {

    /** Vertex AI's regional endpoint, or the global one for location {@code global}. */
    public String baseUrl() {
      return location.equals("global") ? "https://aiplatform.googleapis.com"
          : "https://" + location + "-aiplatform.googleapis.com";
    }
  }
}

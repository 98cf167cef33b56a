package io.recllm.gateway.provider.gemini;

import static io.recllm.gateway.provider.FieldRule.emptyObject;
import static io.recllm.gateway.provider.FieldRule.isFalse;
import static io.recllm.gateway.provider.FieldRule.number;
import static io.recllm.gateway.provider.FieldRule.onlyItems;
import static io.recllm.gateway.provider.FieldRule.text;

import io.recllm.gateway.provider.FieldPolicy;

/**
 * What {@link GeminiMapper#toGeminiRequest} does with each top-level OpenAI chat field.
 * {@code docs/providers/gemini-fields.md} is rendered from this table (a test fails when the committed
 * file differs and says how to regenerate it), so notes are written for that page.
 */
final class GeminiFieldPolicy {

  private static final String NO_LOGPROBS = "log probabilities are not mapped for Gemini models";
  private static final String DEPRECATED = "deprecated by OpenAI and not mapped; use 'tools' and 'tool_choice'";
  private static final String CACHE_HINT = "a cache hint only: Gemini caches repeated prompt prefixes by itself"
      + " (explicit caches are named with `cachedContent`)";
  private static final String GEMINI_ONLY = "a Gemini `generateContent` field with no OpenAI counterpart";

  static final FieldPolicy POLICY = FieldPolicy.builder("Gemini")
      .mapped("messages", "system/developer messages → `systemInstruction.parts`, wherever they appear;"
          + " user → `user` content, assistant → `model` content, tool results → `functionResponse` parts in a"
          + " `user` content (runs of one role merged into one content). Content parts: text, `image_url` (data"
          + " URL → `inlineData`; https or gs URL → `fileData` with the media type from the file extension),"
          + " `input_audio` → `inlineData` (`audio/<format>`), `file` with `file_data` → `inlineData` (`file_id`"
          + " rejected). Assistant `tool_calls` → `functionCall` parts `{id, name, args}`; a tool message's"
          + " `functionResponse` gets the name of the call its `tool_call_id` names, and `response` is its content"
          + " when that is a JSON object, else `{\"output\": content}`. Assistant `reasoning_details` of format"
          + " `google-gemini-v1` put each `thoughtSignature` back on the part it came with. Empty text dropped")
      .mapped("model", "replaced by the routed model name (part of the URL), provider prefix removed")
      .mapped("max_tokens", "`generationConfig.maxOutputTokens`")
      .mapped("max_completion_tokens", "`generationConfig.maxOutputTokens`; wins over `max_tokens` when both"
          + " are sent")
      .mapped("stop", "`generationConfig.stopSequences` (a string becomes a one-item list)")
      .mapped("temperature", "`generationConfig.temperature`")
      .mapped("top_p", "`generationConfig.topP`")
      .mapped("top_k", "`generationConfig.topK` (not an OpenAI field; many clients send it)")
      .mapped("seed", "`generationConfig.seed`")
      .mapped("n", "`generationConfig.candidateCount`; each candidate becomes one choice")
      .mapped("presence_penalty", "`generationConfig.presencePenalty` (some models refuse it, and Gemini says so)")
      .mapped("frequency_penalty", "`generationConfig.frequencyPenalty` (some models refuse it, and Gemini says"
          + " so)")
      .mapped("response_format", "text → nothing; json_object → `responseMimeType: application/json`;"
          + " json_schema → `responseMimeType: application/json` and `responseJsonSchema` (the schema as sent:"
          + " Gemini's older `responseSchema` takes only an OpenAPI subset)")
      .mapped("stream", "chooses `:streamGenerateContent?alt=sse` over `:generateContent`")
      .mapped("tools", "function → one `functionDeclarations` entry `{name, description, parametersJsonSchema}`;"
          + " entries already in Gemini's shape (`functionDeclarations`, `googleSearch`, `codeExecution`,"
          + " `urlContext`, …) copied; `custom` rejected")
      .mapped("tool_choice", "auto/none/required → `toolConfig.functionCallingConfig.mode` AUTO/NONE/ANY; a named"
          + " function → ANY with `allowedFunctionNames`; `allowed_tools` and `custom` rejected")
      .mapped("reasoning_effort", "`generationConfig.thinkingConfig` with `includeThoughts: true`: Gemini 3 models"
          + " get `thinkingLevel` (minimal/low → low, medium/high/xhigh/max → high), others `thinkingBudget`"
          + " (none 0, minimal 512, low 1024, medium 2048, high 4096, xhigh 8192, max 24576)")
      .carried("safetySettings", GEMINI_ONLY)
      .carried("cachedContent", GEMINI_ONLY)
      .carried("labels", GEMINI_ONLY + " (Vertex AI)")
      .ignored("stream_options", "Gemini always reports usage; the stream translator always emits the usage"
          + " chunk and the caller decides whether the client sees it")
      .ignored("user", "Gemini has no end-user field; leaving it out changes no answer")
      .ignored("safety_identifier", "Gemini has no end-user field; leaving it out changes no answer")
      .ignored("metadata", "tags for OpenAI's stored completions; Gemini stores nothing")
      .ignored("prompt_cache_key", CACHE_HINT)
      .ignored("prompt_cache_retention", CACHE_HINT)
      .harmlessOnly("parallel_tool_calls", "`true`", v -> v.isBoolean() && v.booleanValue(),
          "Gemini cannot be told to call at most one function at a time")
      .harmlessOnly("logprobs", "`false`", isFalse(), NO_LOGPROBS)
      .harmlessOnly("top_logprobs", "`0`", number(0), NO_LOGPROBS)
      .harmlessOnly("logit_bias", "`{}`", emptyObject(), "Gemini does not support token biasing")
      .harmlessOnly("store", "`false`", isFalse(), "Gemini does not store completions; only false is accepted")
      .harmlessOnly("modalities", "`[\"text\"]`", onlyItems("text"), "only text output is mapped for Gemini models")
      .harmlessOnly("verbosity", "`\"medium\"`", text("medium"),
          "Gemini has no verbosity control; only \"medium\" (the default) is accepted")
      .harmlessOnly("service_tier", "`\"auto\"` or `\"default\"`", v -> "auto".equals(v.asText(null))
          || "default".equals(v.asText(null)), "Gemini has no selectable service tiers")
      .rejected("audio", "audio output is not mapped for Gemini models")
      .rejected("prediction", "Gemini has no predicted outputs")
      .rejected("web_search_options", "not mapped for Gemini models; send Gemini's `googleSearch` tool in 'tools'"
          + " instead")
      .rejected("moderation", "Gemini has no request moderation setting; use 'safetySettings'")
      .rejected("functions", DEPRECATED)
      .rejected("function_call", DEPRECATED)
      .rejected("generationConfig", "send the OpenAI fields (max_tokens, temperature, …) instead; the mapper"
          + " builds generationConfig from them")
      .rejected("contents", "send 'messages' instead")
      .rejected("systemInstruction", "send system or developer messages instead")
      // Gemini rejects unknown fields too, and a silent drop would hide a client's mistake.
      .otherFieldsRejected("it is neither an OpenAI chat parameter nor a Gemini generateContent parameter");

  private GeminiFieldPolicy() {}
}

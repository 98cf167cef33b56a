package io.recllm.gateway.provider.bedrock;

import static io.recllm.gateway.provider.FieldRule.emptyObject;
import static io.recllm.gateway.provider.FieldRule.isFalse;
import static io.recllm.gateway.provider.FieldRule.number;
import static io.recllm.gateway.provider.FieldRule.onlyItems;
import static io.recllm.gateway.provider.FieldRule.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.provider.FieldPolicy;
import io.recllm.gateway.provider.FieldRule;

/**
 * What {@link BedrockRequestMapper} does with each top-level OpenAI chat field. {@code
 * docs/providers/bedrock-fields.md} is rendered from this table (a test fails when the committed file
 * differs and says how to regenerate it), so notes are written for that page.
 */
final class BedrockFieldPolicy {

  private static final String NO_LOGPROBS = "the Converse API does not return log probabilities";
  private static final String NO_PENALTY = "the Converse API has no such penalty; only 0 is accepted";
  private static final String DEPRECATED = "deprecated by OpenAI and not mapped; use 'tools' and 'tool_choice'";
  private static final String CACHE_HINT = "a cache hint only: Bedrock caches where `cachePoint` blocks say"
      + " (`cache_control` or `prompt_cache_breakpoint` on a content part or message adds one after it)";
  private static final String CONVERSE_ONLY = "a Converse request field with no OpenAI counterpart";

  static final FieldPolicy POLICY = FieldPolicy.builder("Bedrock")
      .mapped("messages", "system/developer messages → top-level `system` text blocks, in order, wherever they"
          + " appear; user/assistant/tool → alternating `messages` (runs of one role merged, tool results become"
          + " `toolResult` blocks in a user turn, with `status: error` never guessed); empty text dropped;"
          + " message `name` and `refusal` ignored. Content parts: text, `image_url` (base64 data URL of"
          + " png/jpeg/gif/webp → `image` bytes, `s3://` URL → `s3Location`; http(s) URLs rejected, since"
          + " Converse takes bytes), `file` with `file_data` (PDF → `document` bytes; `file_id` rejected);"
          + " `input_audio` rejected. Assistant `tool_calls` → `toolUse` blocks with their ids;"
          + " `reasoning_details` (format anthropic-claude-v1) → `reasoningContent` blocks before the text, so"
          + " extended thinking continues across tool calls. `cache_control` / `prompt_cache_breakpoint` on a"
          + " part or message → a `cachePoint` block after it")
      .mapped("model", "the routed model id, inference profile id or ARN, percent-encoded into the path"
          + " (`/model/{modelId}/converse`)")
      .mapped("max_tokens", "`inferenceConfig.maxTokens`")
      .mapped("max_completion_tokens", "`inferenceConfig.maxTokens`; wins over `max_tokens` when both are sent")
      .mapped("stop", "`inferenceConfig.stopSequences` (a string becomes a one-item list)")
      .mapped("temperature", "`inferenceConfig.temperature`, value unchanged")
      .mapped("top_p", "`inferenceConfig.topP`, value unchanged")
      .mapped("stream", "true → `POST /model/{modelId}/converse-stream` (AWS event stream), else `/converse`")
      .mapped("tools", "function → `toolConfig.tools[].toolSpec {name, description, inputSchema: {json}}`;"
          + " other tool types rejected")
      .mapped("tool_choice", "auto/required/named function → `toolConfig.toolChoice` `auto`/`any`/`tool`; none →"
          + " the tools are left out (Converse has no `none`), refused when the conversation already holds"
          + " tool calls, which Bedrock cannot read without the tools")
      .mapped("reasoning_effort", "Claude models: `additionalModelRequestFields.thinking: {type: enabled,"
          + " budget_tokens}` with minimal/low 1024, medium 2048, high 4096, xhigh 8192, max 16384 (none → no"
          + " thinking), and `maxTokens` raised to budget + 4096 when not sent; other models: rejected")
      .mapped("metadata", "`requestMetadata` (string values; Bedrock uses it to filter invocation logs)")
      .mapped("service_tier", "default/flex/priority → `serviceTier.type`; auto → left out; others rejected")
      .carried("additionalModelRequestFields", CONVERSE_ONLY + "; merged over a `thinking` from"
          + " `reasoning_effort`")
      .carried("additionalModelResponseFieldPaths", CONVERSE_ONLY)
      .carried("guardrailConfig", CONVERSE_ONLY)
      .carried("performanceConfig", CONVERSE_ONLY)
      .carried("promptVariables", CONVERSE_ONLY)
      .carried("outputConfig", CONVERSE_ONLY + " (structured output: `textFormat`)")
      .ignored("stream_options", "Bedrock always reports usage (the stream's `metadata` event); the usage"
          + " chunk is always produced and the caller decides whether the client sees it")
      .ignored("user", "Converse has no end-user field; put it in `metadata` to see it in invocation logs")
      .ignored("safety_identifier", "Converse has no end-user field")
      .ignored("prompt_cache_key", CACHE_HINT)
      .ignored("prompt_cache_retention", CACHE_HINT)
      .ignored("prompt_cache_options", CACHE_HINT)
      .harmlessOnly("n", "`1`", number(1), "Converse returns a single choice, so only n=1 is accepted")
      .harmlessOnly("parallel_tool_calls", "`true`", v -> v.isBoolean() && v.booleanValue(),
          "Converse cannot switch parallel tool calls off")
      .harmlessOnly("logprobs", "`false`", isFalse(), NO_LOGPROBS)
      .harmlessOnly("top_logprobs", "`0`", number(0), NO_LOGPROBS)
      .harmlessOnly("presence_penalty", "`0`", number(0), NO_PENALTY)
      .harmlessOnly("frequency_penalty", "`0`", number(0), NO_PENALTY)
      .harmlessOnly("logit_bias", "`{}`", emptyObject(), "the Converse API does not support token biasing")
      .harmlessOnly("store", "`false`", isFalse(), "Bedrock does not store completions; only false is accepted")
      .rule(FieldRule.harmlessOnly("response_format", "`{\"type\": \"text\"}`",
          v -> "text".equals(v.path("type").asText(null)),
          BedrockFieldPolicy::responseFormatReason,
          "types json_object and json_schema are not mapped for Bedrock models; use a tool, or Converse's own"
              + " 'outputConfig'"))
      .harmlessOnly("modalities", "`[\"text\"]`", onlyItems("text"), "Converse chat answers are text")
      .harmlessOnly("verbosity", "`\"medium\"`", text("medium"),
          "Converse has no verbosity control; only \"medium\" (the default) is accepted")
      .rejected("seed", "the Converse API has no seeded sampling")
      .rejected("top_k", "not a Converse field; send it in 'additionalModelRequestFields' in the model's own"
          + " form (Claude: top_k)")
      .rejected("audio", "Converse chat answers are text")
      .rejected("prediction", "Bedrock has no predicted outputs")
      .rejected("web_search_options", "Bedrock has no web search setting")
      .rejected("moderation", "not mapped; use Converse's own 'guardrailConfig'")
      .rejected("functions", DEPRECATED)
      .rejected("function_call", DEPRECATED)
      .rejected("system", "send system or developer messages instead of a top-level 'system'")
      .rejected("inferenceConfig", "use max_tokens, temperature, top_p and stop instead")
      .rejected("toolConfig", "use 'tools' and 'tool_choice' instead")
      // Bedrock rejects unknown fields too, and a silent drop would hide a client's mistake.
      .otherFieldsRejected("it is neither an OpenAI chat parameter nor a Converse request field");

  private BedrockFieldPolicy() {}

  private static String responseFormatReason(JsonNode v) {
    return "type '" + v.path("type").asText("") + "' is not mapped for Bedrock models; use a tool, or Converse's"
        + " own 'outputConfig'";
  }
}

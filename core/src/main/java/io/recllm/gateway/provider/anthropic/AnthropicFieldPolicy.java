package io.recllm.gateway.provider.anthropic;

import static io.recllm.gateway.provider.FieldRule.emptyObject;
import static io.recllm.gateway.provider.FieldRule.isFalse;
import static io.recllm.gateway.provider.FieldRule.number;
import static io.recllm.gateway.provider.FieldRule.onlyItems;
import static io.recllm.gateway.provider.FieldRule.text;

import io.recllm.gateway.provider.FieldPolicy;
import io.recllm.gateway.provider.FieldRule;

/**
 * What {@link AnthropicMapper#toAnthropicRequest} does with each top-level OpenAI chat field.
 * {@code docs/providers/anthropic-fields.md} is rendered from this table (a test fails when the
 * committed file differs and says how to regenerate it), so notes are written for that page.
 */
final class AnthropicFieldPolicy {

  private static final String NO_LOGPROBS = "Anthropic does not return log probabilities";
  private static final String NO_PENALTY = "Anthropic has no such penalty; only 0 is accepted";
  private static final String DEPRECATED = "deprecated by OpenAI and not mapped; use 'tools' and 'tool_choice'";
  private static final String CACHE_HINT = "a cache hint only: Anthropic caches where `cache_control` says"
      + " (`prompt_cache_breakpoint` on a content part becomes `cache_control: {type: ephemeral}`)";
  private static final String ANTHROPIC_ONLY = "an Anthropic Messages field with no OpenAI counterpart";

  static final FieldPolicy POLICY = FieldPolicy.builder("Anthropic")
      .mapped("messages", "system/developer messages → top-level `system` blocks, in order, wherever they"
          + " appear; user/assistant/tool → alternating `messages` (runs of one role merged, tool results become"
          + " `tool_result` blocks in a user turn); empty text dropped (Anthropic rejects it); message `name`,"
          + " `refusal` and `reasoning_content` ignored. An assistant message's `reasoning_details` (as answers"
          + " carry them: `reasoning.text` with text and signature, `reasoning.encrypted` with data, format"
          + " `anthropic-claude-v1`; pieces of one `index` joined) → `thinking` / `redacted_thinking` blocks"
          + " first in that turn, before its text and `tool_use`; other formats and types left out. Content parts: text, `image_url` (data URL → base64"
          + " image, or a document for application/pdf; http(s) URL → url image), `file` with `file_data`"
          + " (`file_id` rejected) and Anthropic's own image/document/search_result/thinking/redacted_thinking"
          + " blocks (copied); `input_audio` rejected. A message-level `cache_control` goes on that message's"
          + " last block")
      .mapped("model", "replaced by the routed model name, provider prefix removed")
      .mapped("max_tokens", "`max_tokens`; absent → the configured default, plus the thinking budget when"
          + " thinking is on")
      .mapped("max_completion_tokens", "`max_tokens`; wins over `max_tokens` when both are sent")
      .mapped("stop", "`stop_sequences` (a string becomes a one-item list)")
      .mapped("temperature", "same name, value unchanged (Anthropic's range is 0–1 and Anthropic says so if"
          + " exceeded)")
      .mapped("top_p", "same name, value unchanged")
      .mapped("stream", "`stream`")
      .mapped("user", "`metadata.user_id` (an explicit `metadata.user_id` wins)")
      .mapped("safety_identifier", "`metadata.user_id` when `user` is not sent")
      .mapped("metadata", "must be an object; copied as sent (Anthropic only accepts `user_id` in it and says"
          + " so)")
      .mapped("tools", "function → `{name, description, input_schema, strict?, cache_control?}`; entries"
          + " already in Anthropic's shape (including server tools) copied; `custom` rejected")
      .mapped("tool_choice", "auto/none/required/named function → `auto`/`none`/`any`/`tool`; auto/none"
          + " dropped when there are no tools; other types (`allowed_tools`, `custom`) rejected")
      .mapped("parallel_tool_calls", "false → `tool_choice.disable_parallel_tool_use: true` (on `auto` if no"
          + " choice was given; not on `none`)")
      .mapped("reasoning_effort", "`thinking: {type: enabled, budget_tokens}`: minimal/low 1024, medium 2048,"
          + " high 4096, xhigh 8192, max 16384; none → no thinking; rejected together with `thinking`, or when"
          + " the client's max tokens do not exceed the budget")
      .mapped("thinking", "Anthropic's own field, copied as sent; not together with `reasoning_effort`")
      .mapped("service_tier", "auto → `auto`, default → `standard_only`, standard_only kept; flex, scale,"
          + " priority and others rejected (`unsupported_value`)")
      .carried("top_k", ANTHROPIC_ONLY)
      .carried("cache_control", ANTHROPIC_ONLY)
      .carried("container", ANTHROPIC_ONLY)
      .carried("context_management", ANTHROPIC_ONLY)
      .carried("inference_geo", ANTHROPIC_ONLY)
      .carried("mcp_servers", ANTHROPIC_ONLY)
      .carried("output_config", ANTHROPIC_ONLY)
      .carried("output_format", ANTHROPIC_ONLY)
      .ignored("stream_options", "Anthropic always reports usage; the stream translator always emits the usage"
          + " chunk and the caller decides whether the client sees it")
      .ignored("prompt_cache_key", CACHE_HINT)
      .ignored("prompt_cache_retention", CACHE_HINT)
      .ignored("prompt_cache_options", CACHE_HINT)
      .harmlessOnly("n", "`1`", number(1), "Anthropic returns a single choice, so only n=1 is accepted")
      .harmlessOnly("logprobs", "`false`", isFalse(), NO_LOGPROBS)
      .harmlessOnly("top_logprobs", "`0`", number(0), NO_LOGPROBS)
      .harmlessOnly("presence_penalty", "`0`", number(0), NO_PENALTY)
      .harmlessOnly("frequency_penalty", "`0`", number(0), NO_PENALTY)
      .harmlessOnly("logit_bias", "`{}`", emptyObject(), "Anthropic does not support token biasing")
      .harmlessOnly("store", "`false`", isFalse(), "Anthropic does not store completions; only false is accepted")
      .rule(FieldRule.harmlessOnly("response_format", "`{\"type\": \"text\"}`",
          v -> "text".equals(v.path("type").asText(null)),
          v -> "type '" + v.path("type").asText("") + "' is not mapped for Anthropic models;"
              + " use a tool, or Anthropic's own 'output_config'/'output_format'",
          "types json_object and json_schema are not mapped for Anthropic models; use a tool, or"
              + " Anthropic's own 'output_config'/'output_format'"))
      .harmlessOnly("modalities", "`[\"text\"]`", onlyItems("text"), "Anthropic models only produce text")
      .harmlessOnly("verbosity", "`\"medium\"`", text("medium"),
          "Anthropic has no verbosity control; only \"medium\" (the default) is accepted")
      .rejected("seed", "Anthropic has no seeded sampling")
      .rejected("audio", "Anthropic models do not produce audio")
      .rejected("prediction", "Anthropic has no predicted outputs")
      .rejected("web_search_options", "not mapped for Anthropic models; send Anthropic's web_search tool in"
          + " 'tools' instead")
      .rejected("moderation", "Anthropic has no request moderation setting")
      .rejected("functions", DEPRECATED)
      .rejected("function_call", DEPRECATED)
      .rejected("system", "send system or developer messages instead of a top-level 'system'")
      .rejected("stop_sequences", "use 'stop' instead")
      // Anthropic rejects unknown fields too, and a silent drop would hide a client's mistake.
      .otherFieldsRejected("it is neither an OpenAI chat parameter nor an Anthropic Messages parameter");

  private AnthropicFieldPolicy() {}
}

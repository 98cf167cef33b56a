package io.recllm.gateway.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored answer, ready to serve: the completion as a tree (zero usage, no {@code x_rec_llm}), the same
 * completion already serialised, and its replay chunks as text, built on the first streamed hit. A hit
 * from memory therefore neither parses nor serialises the answer again. Nothing here is changed after
 * it is built: one entry serves every event loop at once, so readers get copies of the chunks and
 * the bytes are only ever read.
 */
final class CachedAnswer {

  private final ObjectNode completion;
  private final long savedNanoUsd;
  private final Buffer bytes;
  private volatile List<ChatChunk> replay;

  private CachedAnswer(ObjectNode completion, long savedNanoUsd) {
    this.completion = completion;
    this.savedNanoUsd = savedNanoUsd;
    this.bytes = Buffer.buffer(completion.toString());
  }

  /** An answer as served from the cache: a copy of {@code completion} with zero usage and no extension. */
  static CachedAnswer of(ObjectNode completion, long savedNanoUsd) {
    ObjectNode copy = completion.deepCopy();
    copy.remove("x_rec_llm");
    copy.set("usage", CacheStep.zeroUsage());
    return new CachedAnswer(copy, savedNanoUsd);
  }

  /** An entry read back from its {@link #text()}, or null (a miss) for one that is not an answer, e.g. written by another version. */
  static CachedAnswer parse(String text) {
    if (text == null) return null;
    try {
      if (Json.MAPPER.readTree(text) instanceof ObjectNode o && o.get("completion") instanceof ObjectNode c) {
        return of(c, o.path("saved_nano_usd").asLong(0));
      }
    } catch (IOException e) {
      // not JSON: a miss
    }
    return null;
  }

  /** The entry as stored in Redis: {@code {"completion": ..., "saved_nano_usd": ...}}. */
  String text() {
    ObjectNode entry = Json.object();
    entry.set("completion", completion);
    entry.put("saved_nano_usd", savedNanoUsd);
    return entry.toString();
  }

  /** The completion; shared by every hit, so read it only. */
  ObjectNode completion() {
    return completion;
  }

  /** The completion's bytes; shared by every hit, so read them only. */
  Buffer bytes() {
    return bytes;
  }

  long savedNanoUsd() {
    return savedNanoUsd;
  }

  /** The replay chunks of this answer, for one stream of its own. */
  List<ChatChunk> replayChunks() {
    List<ChatChunk> shared = replay;
    if (shared == null) {
      // built once per entry (two event loops may both build it; either result is the same)
      List<ChatChunk> built = new ArrayList<>();
      for (ChatChunk c : ReplayStream.chunks(completion)) built.add(ChatChunk.parse(c.text()));
      replay = shared = List.copyOf(built);
    }
    List<ChatChunk> out = new ArrayList<>(shared.size());
    for (ChatChunk c : shared) out.add(c.copy());
    return out;
  }
}

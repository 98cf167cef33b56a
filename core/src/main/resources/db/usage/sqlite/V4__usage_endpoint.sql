-- Which API each call used (chat, embeddings, completions, messages, responses), in the request log and as a
-- fourth part of the daily totals' key, so that /v1/usage can group by it. Every call before this version was
-- a chat completion: the rows already here read as chat, and so does a row written by a gateway from before
-- this version that still shares the file (the column's default).
ALTER TABLE usage_requests ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'chat';

-- SQLite cannot change a primary key in place: usage_daily is rebuilt, in the migration's one transaction.
CREATE TABLE usage_daily_new (
  day               TEXT    NOT NULL,
  provider          TEXT    NOT NULL,
  model             TEXT    NOT NULL,
  endpoint          TEXT    NOT NULL DEFAULT 'chat',
  calls             INTEGER NOT NULL,
  errors            INTEGER NOT NULL,
  prompt_tokens     INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  total_tokens      INTEGER NOT NULL,
  cached_tokens     INTEGER NOT NULL,
  cost_nano_usd     INTEGER NOT NULL,
  latency_ms_sum    INTEGER NOT NULL,
  PRIMARY KEY (day, provider, model, endpoint)
);
INSERT INTO usage_daily_new (day, provider, model, endpoint, calls, errors, prompt_tokens, completion_tokens,
  total_tokens, cached_tokens, cost_nano_usd, latency_ms_sum)
SELECT day, provider, model, 'chat', calls, errors, prompt_tokens, completion_tokens,
  total_tokens, cached_tokens, cost_nano_usd, latency_ms_sum
FROM usage_daily;
DROP TABLE usage_daily;
ALTER TABLE usage_daily_new RENAME TO usage_daily;

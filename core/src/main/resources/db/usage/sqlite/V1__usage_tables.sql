-- One row per finished call. Message content only when usage.log_content is on.
CREATE TABLE usage_requests (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id         TEXT    NOT NULL,
  ts_ms              INTEGER NOT NULL,
  day                TEXT    NOT NULL, -- UTC date, YYYY-MM-DD
  provider           TEXT    NOT NULL,
  model              TEXT    NOT NULL,
  response_model     TEXT,
  status             INTEGER NOT NULL,
  stream             INTEGER NOT NULL,
  prompt_tokens      INTEGER NOT NULL,
  completion_tokens  INTEGER NOT NULL,
  total_tokens       INTEGER NOT NULL,
  cached_tokens      INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  reasoning_tokens   INTEGER NOT NULL,
  estimated          INTEGER NOT NULL,
  cost_usd           REAL    NOT NULL,
  price_version      TEXT,
  latency_ms         INTEGER NOT NULL,
  ttft_ms            INTEGER,
  finish_reason      TEXT,
  error_type         TEXT,
  error_message      TEXT,
  client_key_id      TEXT,
  request_content    TEXT,
  response_content   TEXT
);
CREATE INDEX usage_requests_ts ON usage_requests (ts_ms);
CREATE INDEX usage_requests_day ON usage_requests (day, provider, model);

-- Daily totals, updated in the same transaction as the rows; kept past the request log's retention.
-- Cost is summed in nano-USD so that totals are exact whatever order the calls arrive in.
CREATE TABLE usage_daily (
  day               TEXT    NOT NULL,
  provider          TEXT    NOT NULL,
  model             TEXT    NOT NULL,
  calls             INTEGER NOT NULL,
  errors            INTEGER NOT NULL,
  prompt_tokens     INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  total_tokens      INTEGER NOT NULL,
  cached_tokens     INTEGER NOT NULL,
  cost_nano_usd     INTEGER NOT NULL,
  latency_ms_sum    INTEGER NOT NULL,
  PRIMARY KEY (day, provider, model)
);

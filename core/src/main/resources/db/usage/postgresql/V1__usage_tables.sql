-- One row per finished call. Message content only when usage.log_content is on.
CREATE TABLE usage_requests (
  id                 BIGSERIAL PRIMARY KEY,
  request_id         TEXT             NOT NULL,
  ts_ms              BIGINT           NOT NULL,
  day                DATE             NOT NULL, -- UTC date
  provider           TEXT             NOT NULL,
  model              TEXT             NOT NULL,
  response_model     TEXT,
  status             INTEGER          NOT NULL,
  stream             BOOLEAN          NOT NULL,
  prompt_tokens      BIGINT           NOT NULL,
  completion_tokens  BIGINT           NOT NULL,
  total_tokens       BIGINT           NOT NULL,
  cached_tokens      BIGINT           NOT NULL,
  cache_write_tokens BIGINT           NOT NULL,
  reasoning_tokens   BIGINT           NOT NULL,
  estimated          BOOLEAN          NOT NULL,
  cost_usd           DOUBLE PRECISION NOT NULL,
  price_version      TEXT,
  latency_ms         BIGINT           NOT NULL,
  ttft_ms            BIGINT,
  finish_reason      TEXT,
  error_type         TEXT,
  error_message      TEXT,
  client_key_id      TEXT,
  request_content    TEXT,
  response_content   TEXT
);
CREATE INDEX usage_requests_ts ON usage_requests (ts_ms);
CREATE INDEX usage_requests_day ON usage_requests (day, provider, model);

-- Daily totals, upserted by every node in the same transaction as its rows, so any node can answer
-- cluster-wide totals; kept past the request log's retention. Cost in nano-USD: exact sums.
CREATE TABLE usage_daily (
  day               DATE   NOT NULL,
  provider          TEXT   NOT NULL,
  model             TEXT   NOT NULL,
  calls             BIGINT NOT NULL,
  errors            BIGINT NOT NULL,
  prompt_tokens     BIGINT NOT NULL,
  completion_tokens BIGINT NOT NULL,
  total_tokens      BIGINT NOT NULL,
  cached_tokens     BIGINT NOT NULL,
  cost_nano_usd     BIGINT NOT NULL,
  latency_ms_sum    BIGINT NOT NULL,
  PRIMARY KEY (day, provider, model)
);

-- Virtual keys: only the hex SHA-256 of the secret is kept, never the secret. A revoked key keeps its
-- row (revoked_at_ms set) so the request log's client_key_id still names it. updated_at_ms moves on
-- every change, so every node sees a change by polling for it.
CREATE TABLE virtual_keys (
  id              TEXT   PRIMARY KEY,
  name            TEXT   NOT NULL,
  key_hash        TEXT   NOT NULL UNIQUE,
  key_hint        TEXT   NOT NULL,
  models          TEXT   NOT NULL,
  rpm             BIGINT,
  tpm             BIGINT,
  max_parallel    BIGINT,
  budget_nano_usd BIGINT,
  budget_period   TEXT   NOT NULL,
  expires_at_ms   BIGINT,
  metadata        TEXT,
  created_at_ms   BIGINT NOT NULL,
  updated_at_ms   BIGINT NOT NULL,
  revoked_at_ms   BIGINT
);
CREATE INDEX virtual_keys_updated ON virtual_keys (updated_at_ms);

-- What redaction found in each request and what the response cache saved. pii_counts holds the number of
-- values of each kind (email=2,phone=1), never a value; null when redaction found none or did not run.
-- cache_hit marks a call answered from the cache (its cost is 0), saved_nano_usd what that answer cost when
-- it was paid for. The daily totals carry both sums so that the dashboard's hit rate and money saved
-- outlive the request log's retention. Additive: ADD COLUMN with a constant default rewrites nothing, and a
-- gateway from before this version, sharing the database, still writes its rows (as no hits).
ALTER TABLE usage_requests ADD COLUMN pii_counts TEXT;
ALTER TABLE usage_requests ADD COLUMN cache_hit BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE usage_requests ADD COLUMN saved_nano_usd BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN cache_hits BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN saved_nano_usd BIGINT NOT NULL DEFAULT 0;

-- The upstream try a request row stands for. A call that was retried or failed over to another target
-- writes one row per failed try (numbered from 1, with the call's request id, the provider and model that
-- failed it) and its own row numbered after the last try; a call tried once keeps 0, as every row written
-- before this version reads. Additive: ADD COLUMN with a constant default rewrites nothing.
ALTER TABLE usage_requests ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;

-- Which API each call used (chat, embeddings, completions, messages, responses), in the request log and as a
-- fourth part of the daily totals' key, so that /v1/usage can group by it. Every call before this version was
-- a chat completion: the rows already here read as chat (ADD COLUMN with a constant default rewrites no row).
--
-- A gateway from before this version upserts its daily totals ON CONFLICT (day, provider, model), which no
-- longer names a unique key once this has run: upgrade every gateway of a cluster sharing the database
-- before, or together with, this migration. Its request rows still go in, as chat.
ALTER TABLE usage_requests ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'chat';
ALTER TABLE usage_daily ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'chat';
ALTER TABLE usage_daily DROP CONSTRAINT usage_daily_pkey;
ALTER TABLE usage_daily ADD PRIMARY KEY (day, provider, model, endpoint);

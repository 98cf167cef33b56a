-- Each call's cost as a whole number of nano-USD (1e-9 USD), exact, as usage_daily has kept its totals from
-- the start: a REAL cannot hold 0.00000255 (it holds 0.0000025499999999999997). The gateway writes and reads
-- cost_nano_usd from now on; cost_usd is still written, as the nearest REAL, for readers of the table that
-- know only it. The rows already here get their REAL rounded to the nearest nano-USD, which is the cost the
-- gateway had worked out: that REAL came from a sum of a few products, far closer to it than half a nano-USD.
--
-- The column may be NULL: a gateway from before this version that still writes to the file leaves it
-- empty, and readers convert cost_usd for such rows the same way as here. ADD COLUMN without a default is
-- instant; the UPDATE rewrites every row once, in the same transaction as the rest of the migration.
ALTER TABLE usage_requests ADD COLUMN cost_nano_usd INTEGER;
UPDATE usage_requests SET cost_nano_usd = CAST(ROUND(cost_usd * 1000000000) AS INTEGER);

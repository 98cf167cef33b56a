-- Each call's cost as a whole number of nano-USD (1e-9 USD), exact, as usage_daily has kept its totals from
-- the start: a DOUBLE PRECISION cannot hold 0.00000255 (it holds 0.0000025499999999999997). Gateways write
-- and read cost_nano_usd from now on; cost_usd is still written, as the nearest double, for readers of the
-- table that know only it. The rows already here get their double rounded to the nearest nano-USD (through
-- numeric, which takes the double's 15 significant digits), the cost the gateway had worked out.
--
-- The column may be NULL: while a cluster is upgraded one gateway at a time, the ones from before this
-- version keep inserting rows without it, and readers convert cost_usd for such rows. ADD COLUMN without
-- a default does not rewrite the table; the UPDATE rewrites every row once, in the migration's transaction.
ALTER TABLE usage_requests ADD COLUMN cost_nano_usd BIGINT;
UPDATE usage_requests SET cost_nano_usd = ROUND(cost_usd::numeric * 1000000000);

-- About a fifth less of PostgreSQL's CPU per written row (measured with COPY into a table with the
-- three indexes): the (day, provider, model) index on usage_requests was kept up on every insert, while
-- totals come from usage_daily and the only query of the rows by date, the latency percentiles of
-- GET /v1/usage, now filters on ts_ms (each row's day is its ts_ms's UTC date), whose index the request
-- log and the retention need anyway.
DROP INDEX IF EXISTS usage_requests_day;

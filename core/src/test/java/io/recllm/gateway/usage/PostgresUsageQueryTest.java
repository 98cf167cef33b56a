package io.recllm.gateway.usage;

import io.recllm.gateway.fakes.PostgresDatabase;

/** The same answers from SQL aggregation in PostgreSQL, where every node's rows are counted. */
class PostgresUsageQueryTest extends UsageQueryContract {
  PostgresDatabase db;

  @Override
  String usageYaml() throws Exception {
    db = PostgresDatabase.create("query");
    return "usage: { store: \"" + db.storeUrl() + "\" }\n";
  }

  @Override
  void cleanUp() throws Exception {
    if (db != null) db.close();
  }
}

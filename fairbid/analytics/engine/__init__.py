"""Cross-tender analytics on an engine that scales out: Ibis expressions over a Parquet layout, run on DuckDB
(embedded default) or Apache Spark (``fairbid[spark]``) — never a home-made distributed engine."""

from fairbid.analytics.engine.layout import SCHEMAS, load_records, table_path, write_records
from fairbid.analytics.engine.network import bidder_table, edge_table
from fairbid.analytics.engine.redflag import red_flag_table
from fairbid.analytics.engine.run import (
    AnalyticsResult,
    Engine,
    FlagRow,
    ScreenRow,
    connect,
    run_analytics,
    spark_unavailable,
)
from fairbid.analytics.engine.screen import screen_table

__all__ = [
    "SCHEMAS",
    "AnalyticsResult",
    "Engine",
    "FlagRow",
    "ScreenRow",
    "bidder_table",
    "connect",
    "edge_table",
    "load_records",
    "red_flag_table",
    "run_analytics",
    "screen_table",
    "spark_unavailable",
    "table_path",
    "write_records",
]

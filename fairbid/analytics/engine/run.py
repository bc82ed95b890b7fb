"""Connect an engine (DuckDB, the embedded default, or Spark in local or cluster mode) and run the analytics.

The expressions are built once (``red_flag_table``, ``screen_table``) and executed by the chosen Ibis backend;
Spark is the optional extra ``fairbid[spark]`` (Java 17, ``pyspark`` 4.0). Results come back as plain rows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import ibis
from ibis.backends import BaseBackend

from fairbid.analytics.engine.layout import table_path
from fairbid.analytics.engine.redflag import red_flag_table
from fairbid.analytics.engine.screen import screen_table
from fairbid.analytics.redflag import R003_DAYS
from fairbid.analytics.screen import SCREEN_NAMES
from fairbid.domain.errors import InvalidInput

__all__ = ["AnalyticsResult", "Engine", "FlagRow", "ScreenRow", "connect", "run_analytics", "spark_unavailable"]


class Engine(StrEnum):
    """Where the expressions run."""

    DUCKDB = "duckdb"
    SPARK = "spark"


@dataclass(frozen=True, slots=True)
class FlagRow:
    """One red flag from the engine."""

    code: str
    subject: str
    subject_id: str
    value: float
    bound: float | None


@dataclass(frozen=True, slots=True)
class ScreenRow:
    """The screens of one tender from the engine."""

    tender_id: str
    n: int
    screens: dict[str, float]


@dataclass(frozen=True, slots=True)
class AnalyticsResult:
    """Red flags and screens, sorted (flags by code, subject, id, value; screens by tender)."""

    engine: Engine
    flags: tuple[FlagRow, ...]
    screens: tuple[ScreenRow, ...]


def spark_unavailable() -> str | None:
    """Why Spark cannot run here (no pyspark, no Java), or ``None`` when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'fairbid[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    java = Path(java_home) / "bin" / "java" if java_home else None
    if not (java and java.exists()) and not any((Path(p) / "java").exists() for p in os.environ["PATH"].split(":")):
        return "Java is not installed (Spark needs a JDK 17)"
    return None


def connect(engine: Engine, *, spark_master: str = "local[2]", shuffle_partitions: int = 1) -> BaseBackend:
    """An Ibis connection to ``engine`` (Spark: a local session unless ``spark_master`` names a cluster).

    ``shuffle_partitions`` suits one machine (Spark's 200 default costs seconds per stage on small data); raise it
    to a few times the cluster's cores when the data outgrows one machine.
    """
    if engine is Engine.DUCKDB:
        return ibis.duckdb.connect()
    reason = spark_unavailable()
    if reason is not None:
        raise InvalidInput(f"Spark cannot run: {reason}.", field="engine")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(spark_master)
        .appName("fairbid-analytics")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", "2")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    return ibis.pyspark.connect(session)


def _table(con: BaseBackend, data_dir: Path, name: str) -> Any:
    path = table_path(data_dir, name)
    if path is None:
        raise InvalidInput(f"{data_dir} has no {name} table ({name}.parquet or {name}/*.parquet).", field="data")
    source = str(path / "*.parquet") if path.is_dir() else str(path)
    return con.read_parquet(source, table_name=f"fairbid_{name}")


def _rows(con: BaseBackend, expr: Any) -> list[dict[str, Any]]:
    kind = getattr(con, "name", "")
    if kind == "duckdb":  # DuckDB 2.0: fetch with to_arrow_table (ibis 12 calls a deprecated one)
        table = con.con.sql(str(con.compile(expr))).to_arrow_table()
    elif kind == "pyspark":  # straight to Arrow: ibis 12 goes through pandas, which pandas 3 warns about
        table = con._session.sql(str(con.compile(expr))).toArrow()
    else:
        table = expr.to_pyarrow()
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def run_analytics(
    data_dir: Path, *, engine: Engine = Engine.DUCKDB, con: BaseBackend | None = None, r003_days: float = R003_DAYS
) -> AnalyticsResult:
    """Red flags and screens over the Parquet layout in ``data_dir`` on ``engine``."""
    con = con or connect(engine)
    bids, tenders = _table(con, data_dir, "bids"), _table(con, data_dir, "tenders")
    if getattr(con, "name", "") == "pyspark":  # every flag reads the tables again: keep them in Spark's cache
        bids, tenders = bids.cache(), tenders.cache()
    flags = [
        FlagRow(r["code"], r["subject"], r["subject_id"], float(r["value"]), r["bound"])
        for r in _rows(con, red_flag_table(bids, tenders, r003_days=r003_days))
    ]
    flags.sort(key=lambda f: (f.code, f.subject, f.subject_id, f.value))
    screens = [
        ScreenRow(r["tender_id"], int(r["n"]), {k: float(r[k]) for k in SCREEN_NAMES})
        for r in _rows(con, screen_table(bids))
    ]
    screens.sort(key=lambda s: s.tender_id)
    return AnalyticsResult(engine, tuple(flags), tuple(screens))

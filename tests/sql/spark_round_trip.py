#!/usr/bin/env python3
"""Spark side of tests/cli/sql.rs (round_trip_through_spark): load raw tables
into a local Spark, run the queries `kanon sql --dialect spark` printed, and
write each result the way Spark writes it: a CSV output folder and a Parquet
output folder, each with its part files, `_SUCCESS` and `.crc` files.

Reads on stdin a JSON object {"scratch": folder for Spark's own files,
"jobs": [...]}, each job
  {"raw": path of a CSV or Parquet file, "format": "csv" or "parquet",
   "delimiter": ";" (CSV only), "table": "adult raw",
   "query": path of the printed query,
   "csv_out": folder to create, "parquet_out": folder to create}
and runs them in one SparkSession. The raw table is registered as a global
temporary view, so the query names it `global_temp`.`adult raw` (kanon sql
--table 'global_temp.adult raw').

Exit status 3 (with the reason on stderr) when pyspark cannot be imported or
no Java is found, so that the test can report "skipped" rather than fail.

By hand, in a local Spark:
  python3 -m venv venv && venv/bin/pip install 'pyspark==3.5.*'
  kanon sql --dialect spark --table 'global_temp.adult raw' --qi sex,age > q.sql
  echo '{"scratch": "/tmp/s", "jobs": [{"raw": "adult.csv", "format": "csv",
    "delimiter": ";", "table": "adult raw", "query": "q.sql",
    "csv_out": "out-csv", "parquet_out": "out-parquet"}]}' \
    | venv/bin/python tests/sql/spark_round_trip.py
  kanon analyse out-csv --count kanon_count --qi sex,age
"""

import json
import os
import shutil
import sys

try:
    import pyspark
    from pyspark.sql import SparkSession
except ImportError as e:  # pragma: no cover - depends on the machine
    print(
        f"pyspark cannot be imported ({e}); pip install 'pyspark==3.5.*'",
        file=sys.stderr,
    )
    sys.exit(3)

def quote(ident):
    return "`" + ident.replace("`", "``") + "`"


def java():
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


def session(scratch):
    # Local mode, bound to the loopback address only; no web UI, no
    # progress bar, few shuffle partitions for small tables, and AQE not
    # merging them, so that a result comes out in several part files as on
    # a cluster.
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("kanon round trip")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.adaptive.coalescePartitions.enabled", "false")
    )
    if scratch:
        builder = builder.config("spark.local.dir", scratch).config(
            "spark.sql.warehouse.dir", os.path.join(scratch, "warehouse")
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def load(spark, job):
    if job["format"] == "parquet":
        return spark.read.parquet(job["raw"])
    # Every column as text (no inferSchema), so values compare exactly as
    # written in the file. escape='"': a quote inside a quoted cell is
    # written "" (RFC 4180, as kanon writes and reads it); Spark's default
    # escape is \, which mangles such cells and the header's names. An
    # empty cell and a quoted empty cell ("") both become NULL (Spark's
    # default nullValue is ""), as kanon reads both as missing.
    return (
        spark.read.option("header", True)
        .option("sep", job["delimiter"])
        .option("quote", '"')
        .option("escape", '"')
        .option("mode", "FAILFAST")
        .csv(job["raw"])
    )


def main():
    if sys.argv[1:] == ["--version"]:
        if not java():
            print("no Java found (JAVA_HOME or java on PATH)", file=sys.stderr)
            sys.exit(3)
        print(pyspark.__version__)
        return
    if not java():
        print("no Java found (JAVA_HOME or java on PATH)", file=sys.stderr)
        sys.exit(3)
    spec = json.load(sys.stdin)
    spark = session(spec.get("scratch"))
    try:
        for job in spec["jobs"]:
            # The name is parsed as SQL: quoted, for names with spaces.
            load(spark, job).createOrReplaceGlobalTempView(quote(job["table"]))
            with open(job["query"], encoding="utf-8") as f:
                query = f.read()
            # The query exactly as kanon printed it (comments and final ';'
            # included).
            # Kept after the first write, so that the second writes the
            # same rows without running the query again.
            result = spark.sql(query).persist()
            # Without coalesce: one part file per partition, each with its
            # header. NULL is written as an empty cell, an empty string as
            # "" (Spark's defaults for nullValue and emptyValue); escape='"'
            # as when reading; Spark trims values when writing unless told
            # not to.
            (
                result.write.option("header", True)
                .option("escape", '"')
                .option("ignoreLeadingWhiteSpace", False)
                .option("ignoreTrailingWhiteSpace", False)
                .csv(job["csv_out"])
            )
            result.write.parquet(job["parquet_out"])
            result.unpersist()
            spark.catalog.dropGlobalTempView(job["table"])
    finally:
        spark.stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""DuckDB side of tests/sql.rs: load raw CSV files as all-text tables, run the
queries `kanon sql --dialect duckdb` printed, write each result as CSV.

Reads a JSON list of jobs on stdin, each
  {"raw": CSV path, "delimiter": ";", "schema": "...", "table": "...",
   "query": path of the printed query, "out": path of the result CSV}
and runs them in one in-memory database.

Exit status 3 (with the reason on stderr) when the duckdb module is not
installed, so that the test can report "skipped" rather than fail.

By hand: `pip install duckdb`, then for example
  kanon sql --dialect duckdb --table adult --qi sex,age > q.sql
  python3 -c "import duckdb; c = duckdb.connect(); \
    c.execute(\"CREATE TABLE adult AS SELECT * FROM read_csv('adult.csv', \
    all_varchar = true, header = true, delim = ';')\"); \
    c.sql(open('q.sql').read()).write_csv('result.csv', header = True)"
"""

import json
import sys

try:
    import duckdb
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"the Python module duckdb is not installed ({e}); pip install duckdb", file=sys.stderr)
    sys.exit(3)


def quote(ident):
    return '"' + ident.replace('"', '""') + '"'


def literal(s):
    return "'" + s.replace("'", "''") + "'"


def main():
    if sys.argv[1:] == ["--version"]:
        print(duckdb.__version__)
        return
    jobs = json.load(sys.stdin)
    con = duckdb.connect()
    for job in jobs:
        schema, table = quote(job["schema"]), quote(job["table"])
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        # Every column as text, so that values compare exactly as written
        # in the file; an empty cell becomes NULL, a quoted empty cell ("")
        # an empty string, as in kanon and PostgreSQL.
        con.execute(
            f"CREATE TABLE {schema}.{table} AS SELECT * FROM read_csv("
            f"{literal(job['raw'])}, all_varchar = true, header = true, "
            f"delim = {literal(job['delimiter'])}, quote = '\"', escape = '\"', "
            f"allow_quoted_nulls = false)"
        )
        with open(job["query"], encoding="utf-8") as f:
            query = f.read()
        # The query exactly as kanon printed it (comments and final ';'
        # included); NULL is written as an empty cell, an empty string as "".
        con.sql(query).write_csv(job["out"], header=True)


if __name__ == "__main__":
    main()

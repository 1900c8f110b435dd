"""The Python package against the command line it shares a library with.

Every result is compared with what ``kanon … --json`` prints for the same
table and settings: for a path, the same document; for a DataFrame, the
same document but for the fields that describe the input file (path,
format, delimiter, files). The command line is the debug build ``cargo
test`` makes (or ``KANON_BIN``). Tests over ``../shared/datasets`` say
"skipped" when it is absent, and fail then under KANON_REQUIRE_SHARED=1.
"""

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import kanon

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
ADULT_SUBSET = FIXTURES / "adult" / "adult_subset.csv"
TESTDATA_NA = FIXTURES / "sdcmicro" / "testdata_na.csv"
SHARED = REPO.parent / "shared" / "datasets"
BIN = os.environ.get("KANON_BIN", str(REPO / "target" / "debug" / "kanon"))

# The fields of the input section that describe the file itself.
FILE_FIELDS = ("path", "format", "delimiter", "files")


def cli(*args, ok=(0, 1)):
    """`kanon ARGS --json` as a dict (exit 0 or 1: a missed target is a result)."""
    p = subprocess.run([BIN, *map(str, args), "--json", "--quiet"], capture_output=True, text=True)
    assert p.returncode in ok, f"kanon {args}: exit {p.returncode}: {p.stderr}"
    return json.loads(p.stdout)


def without_file(report):
    """The report without what describes the input file or names it."""
    report = json.loads(json.dumps(report))
    for key in FILE_FIELDS:
        report["input"].pop(key)
    return report


def shared(path):
    f = SHARED / path
    if not f.exists():
        if os.environ.get("KANON_REQUIRE_SHARED") == "1":
            pytest.fail(f"KANON_REQUIRE_SHARED=1 but {f} is absent")
        pytest.skip(f"skipped: {f} is absent")
    return f


def as_text(path, sep):
    """A CSV read as the command line reads it: every cell text, an
    empty cell missing."""
    return pl.read_csv(path, separator=sep, infer_schema=False)


# --- analyse ---------------------------------------------------------------


def test_a_path_gives_the_command_lines_document():
    args = dict(qi=["sex", "age", "race", "marital-status"], sensitive="occupation", k=5, l=2, t=0.3)
    got = kanon.analyse(ADULT_SUBSET, **args)
    want = cli("analyse", ADULT_SUBSET, "--qi", "sex,age,race,marital-status",
               "--sensitive", "occupation", "--k", 5, "--l", 2, "--t", 0.3)
    assert got == want
    # A missed target is a result, not an exception.
    assert got["targets_met"] is False and got["classes"]["count"] > 0


def test_polars_and_pandas_frames_give_the_same_figures():
    qi = ["sex", "age", "race", "education"]
    want = without_file(cli("analyse", ADULT_SUBSET, "--qi", ",".join(qi),
                            "--sensitive", "occupation", "--k", 3, "--l", 2))
    frame = as_text(ADULT_SUBSET, ";")
    from_polars = kanon.analyse(frame, qi, sensitive="occupation", k=3, l=2)
    assert from_polars["input"]["path"] == "polars.DataFrame"
    assert from_polars["input"]["format"] == "arrow"
    assert from_polars["input"]["files"] == []
    assert without_file(from_polars) == want
    pandas = pd.read_csv(ADULT_SUBSET, sep=";", dtype=str, keep_default_na=False)
    # A pandas index that is not 0..n-1 is not a column of the table.
    pandas.index = pandas.index * 7 + 3
    from_pandas = kanon.analyse(pandas, qi, sensitive="occupation", k=3, l=2)
    assert from_pandas["input"]["path"] == "pandas.DataFrame"
    assert without_file(from_pandas) == want
    from_arrow = kanon.analyse(frame.to_arrow(), qi, sensitive="occupation", k=3, l=2)
    assert without_file(from_arrow) == want


def test_the_other_columns_are_profiled_from_the_frame():
    # salary-class and native-country are left out: the profile warns as
    # the command line does for the file.
    qi = ["sex", "age", "race"]
    want = cli("analyse", ADULT_SUBSET, "--qi", ",".join(qi))
    got = kanon.analyse(as_text(ADULT_SUBSET, ";"), qi)
    assert got["warnings"] == want["warnings"] and got["warnings"]
    quiet = kanon.analyse(as_text(ADULT_SUBSET, ";"), qi, profile=False, contribution=False)
    assert quiet["attributes"] is None
    assert len(quiet["warnings"]) < len(got["warnings"])


def test_typed_columns_keep_their_types():
    # Typed ages (integers) against the text the CSV holds: the same classes.
    frame = as_text(ADULT_SUBSET, ";").with_columns(pl.col("age").cast(pl.Int64))
    got = kanon.analyse(frame, ["sex", "age", "race"], k=2)
    want = cli("analyse", ADULT_SUBSET, "--qi", "sex,age,race", "--k", 2)
    for key in ("classes", "k_anonymity", "sample_uniques", "risk", "targets_met"):
        assert got[key] == want[key], key
    numeric = [q for q in got["quasi_identifiers"] if q["name"] == "age"][0]
    assert numeric == [q for q in want["quasi_identifiers"] if q["name"] == "age"][0]


def test_weights_nulls_and_missing_tokens():
    args = ["--qi", "urbrur,water,sex,age", "--sensitive", "roof",
            "--weight", "household_weights", "--k", 3]
    want = cli("analyse", TESTDATA_NA, *args)
    got = kanon.analyse(TESTDATA_NA, ["urbrur", "water", "sex", "age"], sensitive="roof",
                        weight="household_weights", k=3)
    assert got == want
    frame = as_text(TESTDATA_NA, ",").with_columns(pl.col("household_weights").cast(pl.Float64))
    from_frame = kanon.analyse(frame, ["urbrur", "water", "sex", "age"], sensitive="roof",
                               weight="household_weights", k=3)
    assert without_file(from_frame) == without_file(want)
    assert want["missing_values"]


def test_errors_name_the_column_and_are_kanon_errors():
    with pytest.raises(kanon.KanonError, match="no_such_column"):
        kanon.analyse(ADULT_SUBSET, ["sex", "no_such_column"])
    with pytest.raises(kanon.KanonError, match="no_such_column"):
        kanon.analyse(as_text(ADULT_SUBSET, ";"), ["sex", "no_such_column"])
    with pytest.raises(kanon.KanonError, match="max-risk"):
        kanon.analyse(ADULT_SUBSET, ["sex"], max_risk=1.5)
    with pytest.raises(kanon.KanonError, match="l-diversity kind"):
        kanon.analyse(ADULT_SUBSET, ["sex"], sensitive="occupation", l=2, l_kind="typo")
    with pytest.raises(kanon.KanonError, match="no data rows"):
        kanon.analyse(as_text(ADULT_SUBSET, ";").head(0), ["sex"])
    with pytest.raises(kanon.KanonError, match="cannot be used"):
        kanon.analyse(pl.DataFrame({"a": [[1], [2]], "b": [1, 2]}), ["a"])
    with pytest.raises(kanon.KanonError):
        kanon.analyse(object(), ["a"])
    # A usage error is not a missed target: nothing is returned.
    assert issubclass(kanon.KanonError, Exception)


def test_values_stay_private_unless_asked():
    frame = as_text(ADULT_SUBSET, ";")
    hidden = json.dumps(kanon.analyse(frame, ["sex", "age", "race", "education"]))
    shown = json.dumps(kanon.analyse(frame, ["sex", "age", "race", "education"], show_values=True))
    assert "Amer-Indian-Eskimo" not in hidden and "Amer-Indian-Eskimo" in shown


# --- suggest and anonymise -------------------------------------------------


def hierarchies():
    return {q: FIXTURES / "adult" / f"adult_hierarchy_{q}.csv"
            for q in ["sex", "age", "race", "marital-status", "education"]}


def cli_hierarchies():
    return [a for q, f in hierarchies().items() for a in ("--hierarchy", f"{q}={f}")]


QI5 = ["sex", "age", "race", "marital-status", "education"]


def test_suggest_gives_the_command_lines_search():
    want = cli("suggest", ADULT_SUBSET, "--qi", ",".join(QI5), "--k", 5,
               "--suppression", "2%", *cli_hierarchies())
    got = kanon.suggest(ADULT_SUBSET, QI5, 5, suppression=0.02, hierarchy=hierarchies())
    assert got == want
    assert got["search"]["levels"] is not None and got["search"]["optimal"] is True
    framed = kanon.suggest(as_text(ADULT_SUBSET, ";"), QI5, 5, suppression=0.02,
                           hierarchy=hierarchies())
    assert framed["search"] == {**want["search"], "result": framed["search"]["result"]}
    assert without_file(framed["search"]["result"]) == without_file(want["search"]["result"])


def test_anonymise_returns_the_release_the_command_line_writes(tmp_path):
    out = tmp_path / "released.csv"
    p = subprocess.run([BIN, "anonymise", str(ADULT_SUBSET), "--qi", ",".join(QI5), "--k", "5",
                        "--suppression", "2%", *cli_hierarchies(), "--out", str(out), "--quiet"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    want = pl.read_csv(out, separator=";", infer_schema=False)
    for data in (ADULT_SUBSET, as_text(ADULT_SUBSET, ";")):
        got, report = kanon.anonymise(data, QI5, 5, suppression=0.02, hierarchy=hierarchies(),
                                      return_report=True)
        assert isinstance(got, pl.DataFrame)
        assert got.columns == want.columns
        assert got.equals(want)
        assert report["search"]["suppressed"] == 3016 - got.height
    pandas = pd.read_csv(ADULT_SUBSET, sep=";", dtype=str, keep_default_na=False)
    released = kanon.anonymise(pandas, QI5, 5, suppression=0.02, hierarchy=hierarchies())
    assert isinstance(released, pd.DataFrame)
    assert released.shape == want.shape
    assert list(released["age"]) == want["age"].to_list()
    # The release meets the target: analysed again, every class has 5.
    again = kanon.analyse(kanon.anonymise(ADULT_SUBSET, QI5, 5, suppression=0.02,
                                          hierarchy=hierarchies()), QI5, k=5)
    assert again["targets_met"] is True and again["k_anonymity"]["k"] >= 5
    kept = kanon.anonymise(ADULT_SUBSET, QI5, 5, suppression=0.02, hierarchy=hierarchies(),
                           suppress_mode="cell", output="arrow")
    assert isinstance(kept, pa.Table) and kept.num_rows == 3016


def test_a_column_kanon_cannot_read_breaks_nothing_unless_chosen():
    frame = as_text(ADULT_SUBSET, ";").with_columns(pl.lit([1, 2]).alias("tags"))
    assert kanon.analyse(frame, QI5, k=2)["classes"]["count"] > 0
    assert kanon.suggest(frame, QI5, 5, suppression=0.02,
                         hierarchy=hierarchies())["search"]["levels"] is not None
    # The release would hold it: refused, naming it, as for a file.
    with pytest.raises(kanon.KanonError, match="tags"):
        kanon.anonymise(frame, QI5, 5, suppression=0.02, hierarchy=hierarchies())


def test_suggest_takes_the_search_targets_the_command_line_has():
    census = FIXTURES / "census.csv"
    qi = ["age", "sex", "race", "marital_status", "education"]
    want = cli("suggest", census, "--qi", ",".join(qi), "--k", 1, "--max-population-uniqueness",
               "0.5%", "--population-size", 100000, "--max-uniques", "2%")
    got = kanon.suggest(census, qi, 1, max_population_uniqueness=0.005, population_size=100000,
                        max_uniques=0.02)
    assert got == want
    assert {t["name"] for t in got["search"]["result"]["targets"]} >= {
        "max_population_uniqueness", "max_uniques"}


def test_local_recoding_as_the_command_line_does_it():
    want = cli("suggest", ADULT_SUBSET, "--qi", ",".join(QI5), "--k", 5,
               "--recoding", "local", *cli_hierarchies())
    got = kanon.suggest(ADULT_SUBSET, QI5, 5, recoding="local", hierarchy=hierarchies())
    assert got == want
    local = got["search"]["local"]
    assert got["search"]["recoding"] == "local"
    assert local["cells_kept"] > local["global"]["cells_kept"]
    table = kanon.anonymise(ADULT_SUBSET, QI5, 5, recoding="local", hierarchy=hierarchies())
    assert table.height == got["search"]["result"]["input"]["records"]


def test_k_map_as_the_command_line_does_it():
    census = FIXTURES / "census.csv"
    want = cli("analyse", census, "--qi", "age,sex", "--k-map", 500, "--population-size", 5000000)
    got = kanon.analyse(census, ["age", "sex"], k_map=500, population_size=5000000)
    assert without_file(got) == without_file(want)
    # λ = 500 · 5000/5,000,000 = 0.5, zero-truncated, α = 0.01: 0.7707, 0.9634,
    # 0.9956 ≥ 0.99 at c = 3, so k' = 4.
    assert got["k_map"]["derived_k"] == 4
    found = kanon.suggest(census, ["age", "sex"], 1, k_map=500, population_size=5000000)
    assert found["search"]["k"] == 4


def test_population_targets_as_the_command_line_does_them(tmp_path):
    census = FIXTURES / "census.csv"
    lines = census.read_text().splitlines()
    sample = tmp_path / "sample.csv"
    sample.write_text("\n".join([lines[0], *lines[1::10]]) + "\n")
    want = cli("suggest", sample, "--qi", "age,sex,race", "--k", 1, "--population", census,
               "--k-map", 10, "--presence-max", 0.2)
    got = kanon.suggest(sample, ["age", "sex", "race"], 1, population=census, k_map=10,
                        presence_max=0.2)
    assert got["search"] == want["search"]
    result = got["search"]["result"]
    assert result["targets_met"]
    assert [t["name"] for t in result["targets"]] == ["k", "k_map", "presence_max"]


def test_suggest_takes_the_t_distance_and_order_the_command_line_does():
    census = FIXTURES / "census.csv"
    order = ["Preschool", "1st-4th", "5th-6th", "7th-8th", "9th", "10th", "11th", "12th",
             "HS-grad", "Some-college", "Assoc-voc", "Assoc-acdm", "Bachelors", "Masters",
             "Prof-school", "Doctorate"]
    want = cli("suggest", census, "--qi", "age,sex,race", "--k", 5, "--sensitive", "education",
               "--t", 0.1, "--order", "education=" + ",".join(order))
    got = kanon.suggest(census, ["age", "sex", "race"], 5, sensitive="education", t=0.1,
                        order={"education": order})
    assert got == want
    distance = got["search"]["result"]["inference"]["education"]["t_closeness"]["distance"]
    assert distance == "ordered"
    equal = kanon.suggest(census, ["age", "sex", "race"], 5, sensitive="education", t=0.1,
                          order={"education": order}, t_distance="equal")
    assert equal["search"]["result"]["inference"]["education"]["t_closeness"]["distance"] == "equal"


def test_nothing_released_carries_the_report():
    # Distinct 40-diversity of salary-class (two values) cannot be met.
    with pytest.raises(kanon.NothingReleased) as e:
        kanon.anonymise(ADULT_SUBSET, ["sex", "age"], 2, sensitive="salary-class", l=40)
    assert e.value.report["search"]["levels"] is None
    assert isinstance(e.value, kanon.KanonError)


# --- the shared datasets ---------------------------------------------------


def test_adult_as_the_command_line_sees_it():
    adult = shared("adult/adult.csv")
    qi = ["sex", "age", "race", "marital-status", "education", "native-country", "workclass"]
    args = ["--qi", ",".join(qi), "--sensitive", "occupation,salary-class", "--k", 5,
            "--l", 2, "--t", 0.2, "--population-size", 300000, "--suda"]
    want = cli("analyse", adult, *args)
    got = kanon.analyse(adult, qi, sensitive=["occupation", "salary-class"], k=5, l=2, t=0.2,
                        population_size=300000, suda=True)
    assert got == want
    framed = kanon.analyse(as_text(adult, ";"), qi, sensitive=["occupation", "salary-class"],
                           k=5, l=2, t=0.2, population_size=300000, suda=True)
    assert without_file(framed) == without_file(want)


def test_suggest_on_shared_adult_with_a_sensitive_target():
    adult = shared("adult/adult.csv")
    hier = {q: SHARED / "adult" / f"adult_hierarchy_{q}.csv" for q in QI5}
    cli_h = [a for q, f in hier.items() for a in ("--hierarchy", f"{q}={f}")]
    want = cli("suggest", adult, "--qi", ",".join(QI5), "--k", 5, "--suppression", "5%",
               "--sensitive", "occupation", "--l", 3, *cli_h)
    got = kanon.suggest(adult, QI5, 5, suppression=0.05, sensitive="occupation", l=3,
                        hierarchy=hier)
    assert got == want
    assert got["search"]["levels"] is not None

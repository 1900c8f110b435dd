"""kanon: how re-identifiable is a table of personal data, and what to
generalise so that it is safe to release.

The Python face of the kanon command-line tool, computing with the same
library. Each function takes a table and returns what the command line
prints with ``--json``, as a dict:

* :func:`analyse` -- ``kanon analyse``: k-anonymity, l-diversity,
  t-closeness, re-identification risks, the WP216 verdict;
* :func:`suggest` -- ``kanon suggest``: the least-loss generalisation that
  meets the targets;
* :func:`anonymise` -- ``kanon anonymise``: that generalisation applied,
  as a DataFrame.

A table is a path (CSV, Parquet, Arrow IPC, NDJSON; a directory or
pattern for ``analyse``), a polars DataFrame, a pandas DataFrame or a
pyarrow Table. DataFrames cross into kanon through the Arrow C stream
interface: no temporary file is written, and they are analysed with their
types (a CSV file is read as text, as the command line reads it).

Settings take the command line's names (``--max-risk`` is ``max_risk``)
and, when not given, its defaults. A target that is missed is a result
(``targets_met`` is False), not an exception; a usage or input error
raises :class:`KanonError`. No value of a record appears in any result
unless ``show_values=True``.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from . import _kanon
from ._kanon import KanonError

__all__ = ["analyse", "suggest", "anonymise", "KanonError", "NothingReleased", "__version__"]

__version__: str = _kanon.__version__


class NothingReleased(KanonError):
    """No generalisation meets the targets (``kanon anonymise`` exits 1).

    ``report`` is the search's report, as :func:`suggest` returns it.
    """

    def __init__(self, report: Dict[str, Any]):
        search = report.get("search", {})
        super().__init__(
            "no generalisation meets the targets within the suppression limit "
            f"({search.get('nodes_checked')} transformations checked, search {search.get('stopped')})"
        )
        self.report = report


def _names(value: Union[str, Sequence[str], None]) -> list:
    """Column names: one name, or a sequence of names (taken as given)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _source(data: Any):
    """(object, label): a path as a string with no label, or an object
    with ``__arrow_c_stream__`` and what it is."""
    if isinstance(data, (str, os.PathLike)):
        return os.fspath(data), None
    kind = type(data)
    label = f"{kind.__module__.split('.')[0]}.{kind.__name__}"
    if kind.__module__.startswith("pandas"):
        # pandas' own __arrow_c_stream__ may carry the index as a column;
        # the table is the columns alone.
        try:
            import pyarrow
        except ImportError as e:  # pragma: no cover - depends on the machine
            raise KanonError("a pandas DataFrame needs pyarrow: pip install pyarrow") from e
        return pyarrow.Table.from_pandas(data, preserve_index=False), label
    if hasattr(data, "__arrow_c_stream__"):
        return data, label
    raise KanonError(
        f"cannot read a {label}: give a path, a polars or pandas DataFrame, "
        "or an object with __arrow_c_stream__ (the Arrow PyCapsule interface)"
    )


def _options(settings: Mapping[str, Any]) -> str:
    """The settings that were given, as JSON (absent means the default)."""
    given = {k: v for k, v in settings.items() if v is not None}
    for key in ("qi", "sensitive", "missing"):
        if key in given:
            given[key] = _names(given[key])
    if isinstance(given.get("population"), os.PathLike):
        given["population"] = os.fspath(given["population"])
    for key in ("hierarchy", "order"):
        if key in given:
            given[key] = {str(c): (os.fspath(v) if isinstance(v, os.PathLike) else v)
                          for c, v in dict(given[key]).items()}
    if "order" in given:
        given["order"] = {c: _names(v) for c, v in given["order"].items()}
    return json.dumps(given)


def analyse(
    data: Any,
    qi: Union[str, Sequence[str]],
    sensitive: Union[str, Sequence[str], None] = None,
    k: Optional[int] = None,
    *,
    max_risk: Optional[float] = None,
    max_average_risk: Optional[float] = None,
    max_records_at_risk: Optional[float] = None,
    max_uniques: Optional[float] = None,
    risk_threshold: Optional[float] = None,
    l: Optional[float] = None,  # noqa: E741 - the measure's name
    l_kind: Optional[str] = None,
    c: Optional[float] = None,
    t: Optional[float] = None,
    t_distance: Optional[str] = None,
    hierarchy: Optional[Mapping[str, Union[str, os.PathLike]]] = None,
    order: Optional[Mapping[str, Sequence[str]]] = None,
    delta: Optional[float] = None,
    delta_variant: Optional[str] = None,
    beta: Optional[float] = None,
    beta_kind: Optional[str] = None,
    alpha: Optional[float] = None,
    homogeneity_threshold: Optional[float] = None,
    population_size: Optional[float] = None,
    sampling_fraction: Optional[float] = None,
    max_population_uniqueness: Optional[float] = None,
    max_global_risk: Optional[float] = None,
    max_suda_score: Optional[float] = None,
    k_map: Optional[int] = None,
    k_map_estimator: Optional[str] = None,
    significance: Optional[float] = None,
    presence_min: Optional[float] = None,
    presence_max: Optional[float] = None,
    suda: bool = False,
    suda_max: Optional[int] = None,
    dis_fraction: Optional[float] = None,
    subsets: Optional[int] = None,
    person_id: Optional[str] = None,
    weight: Optional[str] = None,
    count: Optional[str] = None,
    population: Optional[Union[str, os.PathLike]] = None,
    missing: Union[str, Sequence[str], None] = None,
    missing_as: Optional[str] = None,
    format: Optional[str] = None,
    delimiter: Optional[str] = None,
    profile: bool = True,
    contribution: bool = True,
    show_values: bool = False,
    lang: str = "en",
) -> Dict[str, Any]:
    """Assess a table: ``kanon analyse DATA --qi … --json``.

    Returns the analysis as a dict in the JSON schema of ``kanon analyse
    --json`` (docs/json-schema.md): for a path, the same document the
    command line prints. ``qi`` and ``sensitive`` name columns (a string is
    one name). Targets (``k``, ``max_risk``, ``l``, ``t``, …) are checked
    when given; a missed one sets ``targets_met`` to False. The other
    columns of the table are profiled for direct identifiers and
    quasi-identifiers left out unless ``profile=False``;
    ``contribution=False`` skips the attribute contribution
    (``--no-contribution``).

    Raises :class:`KanonError` for a usage or input error (a column that
    does not exist, a share out of range, an unreadable file).
    """
    settings = dict(locals())
    obj, label = _source(settings.pop("data"))
    if population is not None:
        settings["population"] = os.fspath(population)
    if settings["suda"] is False:
        settings.pop("suda")
    return json.loads(_kanon.analyse(obj, label, _options(settings)))


def _search_settings(settings: Dict[str, Any]) -> Dict[str, Any]:
    settings = dict(settings)
    if settings.get("show_values") is False:
        settings.pop("show_values")
    return settings


def suggest(
    data: Any,
    qi: Union[str, Sequence[str]],
    k: int,
    *,
    suppression: Optional[float] = None,
    hierarchy: Optional[Mapping[str, Union[str, os.PathLike]]] = None,
    sensitive: Union[str, Sequence[str], None] = None,
    l: Optional[float] = None,  # noqa: E741 - the measure's name
    l_kind: Optional[str] = None,
    c: Optional[float] = None,
    t: Optional[float] = None,
    t_distance: Optional[str] = None,
    order: Optional[Mapping[str, Sequence[str]]] = None,
    delta: Optional[float] = None,
    delta_variant: Optional[str] = None,
    beta: Optional[float] = None,
    beta_kind: Optional[str] = None,
    max_risk: Optional[float] = None,
    max_average_risk: Optional[float] = None,
    max_uniques: Optional[float] = None,
    max_population_uniqueness: Optional[float] = None,
    population_size: Optional[float] = None,
    sampling_fraction: Optional[float] = None,
    k_map: Optional[int] = None,
    k_map_estimator: Optional[str] = None,
    significance: Optional[float] = None,
    population: Optional[Union[str, os.PathLike]] = None,
    presence_min: Optional[float] = None,
    presence_max: Optional[float] = None,
    metric: Optional[str] = None,
    strategy: Optional[str] = None,
    recoding: Optional[str] = None,
    time_limit: Optional[float] = None,
    count: Optional[str] = None,
    weight: Optional[str] = None,
    missing: Union[str, Sequence[str], None] = None,
    missing_as: Optional[str] = None,
    format: Optional[str] = None,
    delimiter: Optional[str] = None,
    show_values: bool = False,
    lang: str = "en",
) -> Dict[str, Any]:
    """Search the generalisation lattice: ``kanon suggest DATA --qi … --k K --json``.

    ``hierarchy`` maps a quasi-identifier to an ARX hierarchy file or a
    builder (``"interval:5,10,20"``, ``"mask:1,2"``, ``"date:month,year"``,
    ``"group:2,4"``); the others get automatic hierarchies. ``suppression``
    is the largest share of records that may be suppressed (0 to 1).
    Returns the search's report as a dict (docs/search.md): ``search.levels``
    is None when nothing meets the targets.
    """
    settings = _search_settings(locals())
    obj, label = _source(settings.pop("data"))
    return json.loads(_kanon.suggest(obj, label, _options(settings)))


def anonymise(
    data: Any,
    qi: Union[str, Sequence[str]],
    k: int,
    *,
    suppression: Optional[float] = None,
    hierarchy: Optional[Mapping[str, Union[str, os.PathLike]]] = None,
    sensitive: Union[str, Sequence[str], None] = None,
    l: Optional[float] = None,  # noqa: E741 - the measure's name
    l_kind: Optional[str] = None,
    c: Optional[float] = None,
    t: Optional[float] = None,
    t_distance: Optional[str] = None,
    order: Optional[Mapping[str, Sequence[str]]] = None,
    delta: Optional[float] = None,
    delta_variant: Optional[str] = None,
    beta: Optional[float] = None,
    beta_kind: Optional[str] = None,
    max_risk: Optional[float] = None,
    max_average_risk: Optional[float] = None,
    max_uniques: Optional[float] = None,
    max_population_uniqueness: Optional[float] = None,
    population_size: Optional[float] = None,
    sampling_fraction: Optional[float] = None,
    k_map: Optional[int] = None,
    k_map_estimator: Optional[str] = None,
    significance: Optional[float] = None,
    population: Optional[Union[str, os.PathLike]] = None,
    presence_min: Optional[float] = None,
    presence_max: Optional[float] = None,
    metric: Optional[str] = None,
    strategy: Optional[str] = None,
    recoding: Optional[str] = None,
    time_limit: Optional[float] = None,
    count: Optional[str] = None,
    weight: Optional[str] = None,
    missing: Union[str, Sequence[str], None] = None,
    missing_as: Optional[str] = None,
    format: Optional[str] = None,
    delimiter: Optional[str] = None,
    suppress_mode: Optional[str] = None,
    output: Optional[str] = None,
    lang: str = "en",
    return_report: bool = False,
):
    """Generalise and suppress: ``kanon anonymise DATA --qi … --k K --out …``.

    Returns the released table with every column of the input, the
    quasi-identifiers generalised and the records of suppressed classes
    left out (``suppress_mode="cell"`` keeps them with every
    quasi-identifier set to ``*``). The table is a polars DataFrame, or a
    pandas DataFrame for pandas input; ``output="polars"``, ``"pandas"`` or
    ``"arrow"`` (a pyarrow Table) chooses. With ``return_report=True`` the
    result is ``(table, report)``, the report as :func:`suggest` returns it.

    Raises :class:`NothingReleased` (with the search's report) when no
    generalisation meets the targets, and :class:`KanonError` for a usage
    or input error.
    """
    settings = dict(locals())
    data = settings.pop("data")
    output = settings.pop("output")
    return_report = settings.pop("return_report")
    obj, label = _source(data)
    table, report = _kanon.anonymise(obj, label, _options(settings))
    report = json.loads(report)
    if table is None:
        raise NothingReleased(report)
    if output is None:
        output = "pandas" if type(data).__module__.startswith("pandas") else "polars"
    if output == "polars":
        import polars

        released = polars.DataFrame(table)
    elif output == "pandas":
        import pyarrow

        released = pyarrow.table(table).to_pandas()
    elif output == "arrow":
        import pyarrow

        released = pyarrow.table(table)
    else:
        raise KanonError(f"unknown output '{output}': expected polars, pandas or arrow")
    return (released, report) if return_report else released

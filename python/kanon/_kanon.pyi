"""The native module of kanon (Rust, PyO3). Use the functions of ``kanon``;
these take their settings as JSON and return JSON text."""

from typing import Any, Optional, Tuple

__version__: str

class KanonError(Exception):
    """A usage or input error (exit code 2 on the command line)."""

class ArrowTable:
    """A released table; polars, pyarrow and pandas read it through
    ``__arrow_c_stream__`` (the Arrow PyCapsule interface)."""

    def __arrow_c_stream__(self, requested_schema: Optional[Any] = None) -> Any: ...
    def __len__(self) -> int: ...

def analyse(data: Any, label: Optional[str], options: str) -> str: ...
def suggest(data: Any, label: Optional[str], options: str) -> str: ...
def anonymise(data: Any, label: Optional[str], options: str) -> Tuple[Optional[ArrowTable], str]: ...

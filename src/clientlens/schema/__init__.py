"""The JSON contract as a JSON Schema (draft 2020-12) shipped with the package: one file whose
`$defs` hold every output kind (report, batch line, error) and their parts.

`load_schema(kind)` gives a self-contained schema of one kind, for validators (tests, clients)
and for the HTTP service's OpenAPI document, which is generated from the same file.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

CONTRACT_FILE = Path(__file__).with_name("contract.schema.json")
#: The output kinds a caller can ask for; the other `$defs` are their parts.
KINDS = ("report", "batch_line", "error", "team", "comparison")


@cache
def _contract() -> dict[str, Any]:
    return json.loads(CONTRACT_FILE.read_text(encoding="utf-8"))


def load_schema(kind: str | None = None) -> dict[str, Any]:
    """The contract's schema for one output kind, or the whole contract when `kind` is None.

    Args:
        kind: "report", "batch_line", "error", "team" or "comparison".

    Returns:
        A fresh dict (the caller may change it): the kind's definition at the top, with the
        contract's `$defs` beside it so that its references resolve.

    Raises:
        ValueError: an unknown kind.

    Example:
        >>> load_schema("error")["required"]
        ['error']
    """
    contract = copy.deepcopy(_contract())
    if kind is None:
        return contract
    if kind not in KINDS:
        raise ValueError(f"unknown schema kind {kind!r}; choose from {', '.join(KINDS)}")
    defs = contract["$defs"]
    return {"$schema": contract["$schema"], "$id": f"{contract['$id']}/{kind}", **defs[kind], "$defs": defs}

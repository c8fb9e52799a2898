"""Every notebook in notebooks/ runs top to bottom in a fresh python3 kernel without an error."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import clientlens

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_there_is_a_notebook():
    assert NOTEBOOKS, "notebooks/ has no .ipynb"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path):
    """The kernel is ipykernel's python3 of this environment, started in a scratch folder.

    It imports the clientlens these tests import (PYTHONPATH gets its folder), so a source
    checkout runs its own code, not another installed copy.
    """
    nb = nbformat.read(path, as_version=4)
    package_parent = str(Path(clientlens.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (package_parent, os.environ.get("PYTHONPATH", "")) if p)}
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=env)  # raises CellExecutionError, naming the cell, if one fails
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    html = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if "text/html" in o.get("data", {})]
    assert any('class="clientlens"' in o["data"]["text/html"] for o in html), "no report was displayed"


def _code(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


@pytest.mark.parametrize("call", ["report.behaviours()", "report.behaviours_frame()", "team.behaviours_frame()",
                                  "team.behaviour_summary"])
def test_the_quickstart_walks_through_the_behaviours(call):
    """The walk-through shows the four behaviours: a profile, its frame and the team's."""
    assert call in _code(Path(__file__).parents[1] / "notebooks" / "quickstart.ipynb")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_stored_clean(path):
    """Saved without outputs or execution counts, every cell with its own id: the diff of a
    notebook change is its source only."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [(c.execution_count, c.outputs) for c in code] == [(None, [])] * len(code)
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == len(ids)

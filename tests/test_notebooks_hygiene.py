"""Every committed notebook: no secret in it, the house skeleton, clean metadata and counts.

The demo pool's secrets, passwords and tokens are random per run, so this scans
for their shapes: JWTs, 51-char ``[a-z0-9]`` client secrets, the local
Cognito's demo password, AWS access keys. Sources, outputs and metadata are all
scanned. The skeleton is the one in notebooks/README.md.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# Public known-answer test data (docs/facts.md#known-answer-vectors) and the local Cognito's
# fixed dummy AWS key id: published, not secrets.
ALLOWED = {
    "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b",
    "AKIALOCALCOGNITO0000",
}

LEAKS = {
    "a JWT (token)": re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "a client secret (51 chars [a-z0-9])": re.compile(r"(?<![A-Za-z0-9])[a-z0-9]{51}(?![A-Za-z0-9])"),
    "the local Cognito's demo password": re.compile(r"Lab-[0-9a-f]{12}-Pw1!"),
    "an AWS access key id": re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
    "an AWS secret access key": re.compile(
        r"(?i)aws_secret_access_key\W{1,4}(?!local-cognito-dummy)[A-Za-z0-9/+]{40}"
    ),
}

SKELETON = [
    "## Overview",
    "## Prerequisites",
    "## Exercises",
    "## Summary",
    "### What's next?",
    "## Resources and references",
]


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _src(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _headings(nb: dict[str, Any]) -> list[str]:
    return [
        line.strip()
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for line in _src(cell).splitlines()
        if line.startswith("#")
    ]


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/*.ipynb not found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_secret_password_or_token_in_full(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for what, pattern in LEAKS.items():
        hits = [m.group(0) for m in pattern.finditer(text) if m.group(0) not in ALLOWED]
        assert not hits, f"{path.name} contains {what} ({len(hits)}x); show it with ch.mask()"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_saved_widget_state(path: Path) -> None:
    # JupyterLab can save widget state (what a reader typed, a secret box included).
    assert "widgets" not in _load(path)["metadata"], (
        f"{path.name}: strip metadata.widgets (turn off Save Widget State Automatically)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_name_is_the_reading_order(path: Path) -> None:
    assert re.fullmatch(r"\d\d-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb", path.name), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec_metadata(path: Path) -> None:
    spec = _load(path)["metadata"].get("kernelspec", {})
    assert spec.get("name") == "python3" and spec.get("language") == "python", spec


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_clean_execution_counts(path: Path) -> None:
    cells = [c for c in _load(path)["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: run top to bottom in a fresh kernel (see notebooks/README.md)"
    )
    for cell in cells:
        for out in cell["outputs"]:
            if out["output_type"] == "execute_result":
                assert out["execution_count"] == cell["execution_count"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_tracebacks_or_stderr_in_outputs(path: Path) -> None:
    # Errors are caught and shown as their text; warnings and logs are silenced at the source.
    for cell in _load(path)["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: traceback in {_src(cell)[:60]!r}"
            assert out.get("name") != "stderr", f"{path.name}: stderr in {_src(cell)[:60]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_skeleton(path: Path) -> None:
    nb = _load(path)
    headings = _headings(nb)
    titles = [h for h in headings if h.startswith("# ")]
    assert len(titles) == 1 and _src(nb["cells"][0]).startswith("# "), "one '# ' title, first"
    assert titles[0].startswith(f"# {path.name[:2]} · "), "title starts with 'NN · '"
    positions = []
    for heading in SKELETON:
        assert heading in headings, f"{path.name} lacks {heading!r}"
        positions.append(headings.index(heading))
    assert positions == sorted(positions), f"{path.name}: skeleton headings out of order"
    overview = next(_src(c) for c in nb["cells"] if _src(c).startswith("## Overview"))
    assert re.search(r"^1\. ", overview, re.M), "## Overview has a numbered list"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_import_style(path: Path) -> None:
    code = [_src(c) for c in _load(path)["cells"] if c["cell_type"] == "code"]
    importing = [
        i for i, src in enumerate(code)
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(ast.parse(src)))
    ]
    assert importing, f"{path.name} has no imports cell"
    assert len(importing) == 1, f"{path.name}: put every import in the one imports cell"
    assert re.search(r"^import cognito_helpers as ch$", code[importing[0]], re.M)
    assert "from cognito_helpers" not in code[importing[0]], "use ch.<name>, not named imports"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_key_claims_end_in_asserts(path: Path) -> None:
    code = [_src(c) for c in _load(path)["cells"] if c["cell_type"] == "code"]
    asserts = sum(src.count("assert ") for src in code)
    assert asserts >= 3, f"{path.name} has {asserts} asserts; key demonstrations end in one"


def test_readme_lists_the_notebooks_in_order() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Notebooks", 1)
    assert len(section) == 2, "README.md needs a '## Notebooks' section"
    body = section[1].split("\n## ", 1)[0]
    # a link names the file twice ([notebooks/x.ipynb](notebooks/x.ipynb)): keep the first
    listed = list(dict.fromkeys(re.findall(r"notebooks/(\d\d-[a-z0-9-]+\.ipynb)", body)))
    names = [p.name for p in NOTEBOOKS]
    assert listed == names, f"README's table of contents {listed} != files {names}"

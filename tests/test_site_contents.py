"""Every link in the site's notebooks and documents works inside the site.

The lessons are written for the repository: ``../docs/facts.md`` from notebooks/, a
sibling lesson by its file name. The site (``site/build.py``) holds only some of those
files, at other paths (notebooks/09-... becomes lessons/09-...), so its build rewrites
the links: to the site's copy where there is one, and to plain text naming the file in
the repository where there is none. This builds the site's contents (no npm, no
network: ``write_contents`` only copies and rewrites) and follows every relative link
in them, anchors included, with the same Markdown reader as tests/test_links.py.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_links import anchors_of, links_in, markdown_sources

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("site_build", ROOT / "site" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def contents(build, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("site") / "contents"
    build.write_contents(dest)
    return dest


def _documents(contents: Path) -> list[Path]:
    return sorted(p for p in contents.rglob("*") if p.suffix in (".ipynb", ".md"))


def test_the_site_ships_the_lessons_apps_and_the_sources_page(contents: Path) -> None:
    names = {p.relative_to(contents).as_posix() for p in _documents(contents)}
    assert {"apps/calculator.ipynb", "apps/diagnose.ipynb", "docs/facts.md",
            "docs/glossary.md"} <= names
    lessons = sorted(n for n in names if n.startswith("lessons/"))
    # every lesson of notebooks/ but 10 (other languages: subprocesses), in their order
    expected = [f"lessons/{p.name}" for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
                if not p.name.startswith("10-")]
    assert lessons == expected and len(lessons) == 10


def test_a_shipped_lesson_is_the_committed_notebook_with_a_note_under_its_title(
        contents: Path) -> None:
    for site_path in sorted((contents / "lessons").glob("*.ipynb")):
        shipped = json.loads(site_path.read_text())["cells"]
        committed = json.loads((ROOT / "notebooks" / site_path.name).read_text())["cells"]
        assert len(shipped) == len(committed) + 1
        note = "".join(shipped[1]["source"])
        assert note.startswith("> **Running in your browser.**") and "make lab" in note
        # code cells and their committed outputs are as they are in the repository
        code = [c for c in shipped if c["cell_type"] == "code"]
        assert code == [c for c in committed if c["cell_type"] == "code"], site_path.name


def test_every_relative_link_in_the_site_resolves_inside_it(contents: Path) -> None:
    broken, followed = [], 0
    for doc in _documents(contents):
        for where, markdown in markdown_sources(doc):
            for url in links_in(markdown):
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    continue  # absolute: the page opens it in a new tab
                target = doc if not parts.path else (doc.parent / unquote(parts.path)).resolve()
                followed += 1
                name = f"{doc.relative_to(contents)} {where}: {url}"
                if not target.is_file() or contents.resolve() not in target.parents:
                    broken.append(f"{name}: no such file in the site")
                elif parts.fragment and unquote(parts.fragment) not in anchors_of(target):
                    broken.append(f"{name}: no heading #{parts.fragment} there")
    assert not broken, "links that do not work in the site:\n" + "\n".join(broken)
    # the lessons' source links (to docs/facts.md) are among them, so this checked something
    assert followed >= 5


def test_a_link_to_a_file_the_site_lacks_names_it_in_the_repository(build) -> None:
    files = build.shipped()
    text = build.localize_links(
        "see [lesson 10](10-other-languages.ipynb), [02](02-reproduce-the-error.ipynb), "
        "[the facts](../docs/facts.md#lockout), "
        "[the README](../README.md#the-local-cognito), [AWS](https://docs.aws.amazon.com/x) "
        "and [below](#exercises)",
        "notebooks/09-troubleshooting.ipynb", files)
    assert "lesson 10 (`notebooks/10-other-languages.ipynb` in the repository)" in text
    assert "[02](02-reproduce-the-error.ipynb)" in text  # a shipped sibling lesson
    assert "the README (`README.md` in the repository)" in text
    assert "[the facts](../docs/facts.md#lockout)" in text
    assert "[AWS](https://docs.aws.amazon.com/x)" in text and "[below](#exercises)" in text
    # from a shipped document to a shipped lesson: the copy's path in the site
    moved = build.localize_links("[03](../notebooks/03-compute-the-hash.ipynb#the-formula)",
                                 "docs/facts.md", files)
    assert moved == "[03](../lessons/03-compute-the-hash.ipynb#the-formula)"


def test_the_landing_page_links_the_lessons_by_their_site_paths(build, contents: Path,
                                                                 tmp_path: Path) -> None:
    build.landing_page(tmp_path)
    page = (tmp_path / "index.html").read_text()
    positions = []
    for site_path in build.shipped_lessons().values():
        assert f"path={site_path}" in page
        assert (contents / site_path).is_file()
        json.loads((contents / site_path).read_text())  # a notebook JupyterLite can open
        positions.append(page.index(f"path={site_path}"))
    assert positions == sorted(positions)  # in the lessons' order
    # lesson 10 is named with why it is not here and where to run it
    assert 'id="lesson-10-elsewhere"' in page and "subprocess" in page
    assert "notebooks/10-other-languages.ipynb" in page and "make lab" in page

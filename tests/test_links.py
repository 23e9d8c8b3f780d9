"""Every link a reader can click works from where it is opened (issue 14, item 2).

Followed here: the Markdown cells of every notebook (notebooks/, apps/), README.md,
notebooks/README.md, docs/*.md and recipes/**/README.md. A link is checked twice over:

* on GitHub: a relative link resolves, from the file's folder, to a file or folder
  of the repository (never outside it), and an anchor (``file.md#section``) to a
  heading of that file, with GitHub's rule for heading ids;
* in JupyterLab as ``make lab`` starts it: a notebook's relative link is resolved
  by JupyterLab against the notebook's folder and opened through the server's
  contents API, so it must stay inside the lab's root (``LAB_ROOT`` in the
  Makefile) and name a file (JupyterLab opens documents, not folders).

Root-absolute links (``/voila/render/...``, ``/lab/tree/...``) are refused: they
work in one JupyterLab at one base URL, never on GitHub or on a hub. External
links are checked for form only: no test reaches the network.

And nothing in the repository cites the team's notes outside it: the facts live
in docs/facts.md, in the project's words, with their public sources.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import mistune
import pytest

ROOT = Path(__file__).resolve().parent.parent
_MARKDOWN = mistune.create_markdown(renderer=None, plugins=["table", "url", "strikethrough"])
_HREF = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)
_HTML_ID = re.compile(r"""(?:id|name)\s*=\s*["']([^"']+)["']""", re.I)


@dataclass(frozen=True)
class Link:
    source: Path  # the file the link is in
    where: str  # "cell 12" or "" for a Markdown file
    url: str

    def __str__(self) -> str:
        place = f"{self.source.relative_to(ROOT)}" + (f" ({self.where})" if self.where else "")
        return f"{place}: {self.url}"


# --- reading documents -------------------------------------------------------------------


def markdown_sources(path: Path) -> list[tuple[str, str]]:
    """(where, markdown text) of a document: the file itself, or each Markdown cell."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return [(f"cell {i}", "".join(c["source"])) for i, c in enumerate(cells)
                if c["cell_type"] == "markdown"]
    return [("", path.read_text(encoding="utf-8"))]


def _walk(tokens: list[dict]) -> Iterator[dict]:
    for token in tokens:
        yield token
        yield from _walk(token.get("children") or [])


def _text(token: dict) -> str:
    if token["type"] in ("text", "codespan"):
        return token.get("raw", "")
    return "".join(_text(t) for t in token.get("children") or [])


def links_in(markdown: str) -> list[str]:
    """Every URL a reader can click in ``markdown`` (not those inside code)."""
    urls = []
    for token in _walk(_MARKDOWN(markdown)):
        if token["type"] in ("link", "image"):
            urls.append(token["attrs"]["url"])
        elif token["type"] in ("inline_html", "block_html"):
            urls += _HREF.findall(token.get("raw", ""))
    return urls


def github_slug(heading: str) -> str:
    """GitHub's id for a heading: lower case, punctuation dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors_of(path: Path) -> set[str]:
    """The fragment ids a link may name in ``path``: GitHub's and JupyterLab's heading ids."""
    ids: set[str] = set()
    seen: dict[str, int] = {}
    for _, markdown in markdown_sources(path):
        for token in _walk(_MARKDOWN(markdown)):
            if token["type"] == "heading":
                text = _text(token)
                slug = github_slug(text)
                n = seen.get(slug, 0)
                seen[slug] = n + 1
                ids.add(slug if n == 0 else f"{slug}-{n}")
                ids.add(text.strip().replace(" ", "-"))  # JupyterLab's heading ids
            elif token["type"] in ("inline_html", "block_html"):
                ids.update(_HTML_ID.findall(token.get("raw", "")))
    return ids


def documents() -> list[Path]:
    docs = [ROOT / "README.md", ROOT / "notebooks" / "README.md"]
    docs += sorted((ROOT / "docs").glob("*.md"))
    docs += sorted((ROOT / "recipes").glob("**/README.md"))
    docs += sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "apps").glob("*.ipynb"))
    return [d for d in docs if "node_modules" not in d.parts]


def all_links() -> list[Link]:
    return [Link(doc, where, url) for doc in documents()
            for where, markdown in markdown_sources(doc) for url in links_in(markdown)]


def lab_root() -> Path:
    """The folder ``make lab`` serves, read from the Makefile (LAB_ROOT := ...)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^LAB_ROOT\s*:?=\s*(\S+)\s*$", makefile, re.M)
    assert match, "the Makefile names no LAB_ROOT for `make lab`"
    assert "--ServerApp.root_dir=$(LAB_ROOT)" in makefile, "`make lab` does not use LAB_ROOT"
    return (ROOT / match.group(1)).resolve()


# --- judging one link ----------------------------------------------------------------------


def problem(link: Link, lab: Path) -> str | None:
    """Why ``link`` does not work where it is opened, or None."""
    url = link.url.strip()
    if not url or url != link.url or " " in url:
        return "empty, or has spaces (write %20 or use <...>)"
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        if not parts.netloc or "." not in parts.netloc:
            return "an external link without a host"
        return None
    if parts.scheme == "mailto":
        return None if "@" in parts.path else "a mailto: without an address"
    if parts.scheme or parts.netloc:
        return f"scheme {parts.scheme or '//'!r} is not followed (http, https or a relative path)"
    if url.startswith("/"):
        return ("a root-absolute path: it works in one JupyterLab at one base URL, never on "
                "GitHub or a hub; link the file relatively (../apps/calculator.ipynb)")
    here = link.source.parent
    if not parts.path:  # "#anchor" in the same file
        target = link.source
    else:
        target = (here / unquote(parts.path)).resolve()
        if not target.is_relative_to(ROOT):
            return "leaves the repository"
        if not target.exists():
            return f"no such file: {target.relative_to(ROOT)}"
        if link.source.suffix == ".ipynb":
            if not target.is_relative_to(lab):
                return "outside the folder `make lab` serves (LAB_ROOT in the Makefile): a 404 in the lab"
            if target.is_dir():
                return "a folder: JupyterLab opens files, not folders; link a file in it"
    if parts.fragment:
        if target.is_dir() or target.suffix not in (".md", ".ipynb"):
            return "an anchor into a file that has no headings"
        if unquote(parts.fragment) not in anchors_of(target):
            return f"no heading #{parts.fragment} in {target.relative_to(ROOT)}"
    return None


# --- the tests -------------------------------------------------------------------------------


def test_documents_are_found_and_have_links() -> None:
    docs = documents()
    names = {d.relative_to(ROOT).as_posix() for d in docs}
    assert {"README.md", "notebooks/README.md", "docs/facts.md", "docs/glossary.md"} <= names
    assert sum(d.suffix == ".ipynb" for d in docs) >= 8
    assert len(all_links()) > 100


def test_every_link_works_from_where_it_is_opened() -> None:
    lab = lab_root()
    broken = [f"{link}: {why}" for link in all_links() if (why := problem(link, lab))]
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_lab_serves_the_whole_repository() -> None:
    """Rooted at notebooks/, the lab could not open ../README.md, ../snippets/ or the apps."""
    lab = lab_root()
    for needed in ("README.md", "docs/facts.md", "snippets", "apps/calculator.ipynb",
                   "apps/diagnose.ipynb", "notebooks/01-setup-check.ipynb"):
        assert (ROOT / needed).resolve().is_relative_to(lab), needed
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    start = re.search(r"^LAB_START\s*:?=\s*(\S+)\s*$", makefile, re.M)
    assert start and (lab / start.group(1) / "01-setup-check.ipynb").exists()


def test_nothing_cites_the_notes_outside_the_repository() -> None:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    cite = re.compile("shared" + r"/(?:COGNITO_FACTS|SEED_ARTICLE|STYLE)|\.\./" + "shared" + "/")
    this = Path(__file__).relative_to(ROOT).as_posix()
    found = []
    for name in tracked:
        path = ROOT / name
        if not name or name == this or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1) if cite.search(line)]
    assert not found, "cite docs/facts.md instead:\n" + "\n".join(found)


# --- the checker itself catches what it claims to ------------------------------------------


@pytest.fixture
def fake_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "main.go").write_text("package main\n")
    (tmp_path / "README.md").write_text("# Title\n\n## Which username goes in the hash\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    return tmp_path


@pytest.mark.parametrize(("source", "url", "expected"), [
    ("README.md", "snippets/main.go", None),
    ("README.md", "snippets/", None),  # a folder is fine on GitHub
    ("README.md", "#which-username-goes-in-the-hash", None),
    ("README.md", "#which-username", "no heading"),
    ("README.md", "snipets/main.go", "no such file"),
    ("README.md", "../outside.md", "leaves the repository"),
    ("README.md", "/voila/render/apps/calculator.ipynb", "root-absolute"),
    ("README.md", "https://docs.aws.amazon.com/cognito/", None),
    ("README.md", "https:/docs", "without a host"),
    ("README.md", "ftp://example.com/x", "not followed"),
    ("README.md", "snippets/main.go#L1", "no headings"),
    ("notebooks/08.ipynb", "../README.md#which-username-goes-in-the-hash", None),
    ("notebooks/08.ipynb", "../snippets/", "JupyterLab opens files"),
])
def test_problem_names_each_kind_of_broken_link(
    fake_repo: Path, source: str, url: str, expected: str | None
) -> None:
    why = problem(Link(fake_repo / source, "", url), fake_repo)
    if expected is None:
        assert why is None
    else:
        assert why is not None and expected in why


def test_a_notebook_link_outside_the_lab_root_is_a_404(fake_repo: Path) -> None:
    """What `make lab` on notebooks/ did to 10's ../README.md link."""
    link = Link(fake_repo / "notebooks" / "08.ipynb", "cell 0", "../README.md")
    assert problem(link, fake_repo) is None
    assert "a 404 in the lab" in (problem(link, fake_repo / "notebooks") or "")


def test_links_in_code_are_not_links_and_tables_are_read() -> None:
    text = ("`[no](a.md)`\n\n    [no](b.md)\n\n| a |\n| --- |\n| [yes](c.md) |\n\n"
            '<a href="d.md">d</a> and <https://example.com/e>\n')
    assert links_in(text) == ["c.md", "d.md", "https://example.com/e"]


def test_github_slugs() -> None:
    assert github_slug("Which username goes in the hash") == "which-username-goes-in-the-hash"
    assert github_slug("My login fails: what now?") == "my-login-fails-what-now"
    assert github_slug("The `SECRET_HASH`, step 1") == "the-secret_hash-step-1"

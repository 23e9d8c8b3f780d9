"""README "The OAuth 2.0 endpoints": its Python example runs as written, and its table of
local URLs matches what the demo pool serves."""

from __future__ import annotations

import re
from pathlib import Path

import cognito_helpers as ch

README = Path(__file__).resolve().parents[1] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## The OAuth 2.0 endpoints")
    return text[start : text.index("\n## ", start + 10)]


def test_the_readme_example_runs():
    code = re.search(r"```python\n(.*?)```", _section(), re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own README


def test_the_url_table_matches_the_demo(local_cognito):
    demo = local_cognito.demo()
    urls = demo.oauth_urls()
    section = _section()
    for name in ("authorize", "token", "userinfo", "revoke", "logout"):
        path = urls[name].removeprefix(f"{demo.endpoint_url}/{demo.domain}")
        assert f"/<domain>{path}`" in section, path
    assert "/<pool-id>/.well-known/openid-configuration" in section
    assert ch.oauth_get(urls["discovery"]).body["token_endpoint"] == urls["token"]

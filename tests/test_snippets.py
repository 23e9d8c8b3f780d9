"""snippets/<lang>/ run for real: the hash against secret_hash, the sign-in against the local Cognito.

Each language's toolchain is looked up (and its snippet compiled) once per
session. A language whose toolchain is missing is skipped with the reason
("not verified"), unless ``COGNITO_LAB_REQUIRE_LANGS`` (comma-separated keys of
``cognito_helpers.lessons.snippets.LANGUAGES``; CI sets it) names it: then the test
fails. What CI must verify per language is ``Language.ci`` (the README's
table); ``bash .ci/install-toolchains`` installs the toolchains.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cognito_helpers import secret_hash
from cognito_helpers.cli import main as cli_main
from cognito_helpers.exceptions import ConfigurationError, InvalidInputError
from cognito_helpers.lessons.snippets import (
    CI_SIGNIN,
    LANGUAGES,
    MISTAKE_NAMES,
    SNIPPETS_DIR,
    check_mistake,
    markdown_table,
    mistaken_hash,
    read,
    render,
    render_files,
    run_snippet,
    snippet_env,
)
from cognito_helpers.local.answers import aws_error

REPO = Path(__file__).resolve().parent.parent
REQUIRED = {
    name.strip()
    for name in os.environ.get("COGNITO_LAB_REQUIRE_LANGS", "").split(",")
    if name.strip()
}
# Build caches a fresh machine refills (bash .ci/install-toolchains fetches the
# dependencies; the tests build offline from them): never inside the repository.
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cognito-secret-hash-lab"
# Lock files the rendered copy of a snippet needs beside it to build offline (as in the repository).
LOCK_FILES = {"go": ("go.sum",), "go-v1": ("go.sum",), "rust": ("Cargo.lock",)}
# Toolchain settings passed through from the caller's environment when set.
PASS_THROUGH = ("GOPATH", "GOMODCACHE", "GOCACHE", "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN",
                "JAVA_HOME", "MAVEN_OPTS")
CARGO_TARGET = CACHE / "cargo-target"  # shared by the repository's crate and its rendered copies
RUST_PACKAGE = "cognito-secret-hash-signin"  # snippets/rust/Cargo.toml's package name
# A rendered copy gets a package name of its own: in one target dir, two crates of the same
# name overwrite each other's target/debug binary and `cargo run` may start the other one.
RUST_RENDERED = RUST_PACKAGE + "-rendered"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Maven: offline (the local repository that install-toolchains filled), quiet, no colours
MVN = ["mvn", "-o", "-B", "-q", "-Dstyle.color=never"]

# (username, client id, client secret): the public known-answer vectors of
# docs/facts.md#known-answer-vectors with their published hashes, then non-ASCII usernames.
V1 = ("username", "EPswPGbpdBLZnh9XW134hK7qYe", "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b")
V2 = ("a@b.com", "user-pool-client-id", "user-pool-client-secret")
PUBLISHED = {
    V1: "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q=",
    V2: "hJAY3VKwKQyz2H1A6+Jgy7nUxmNepNrLTL8ltH+BzX8=",
}
CASES = {
    "vector1": V1,
    "vector2": V2,
    "polish": ("józef", V1[1], V1[2]),
    "japanese": ("ユーザー", V1[1], V1[2]),
    "emoji": ("\U0001f600smile", V1[1], V1[2]),
}
LANGS = list(LANGUAGES)
SIGNIN_LANGS = [k for k, lang in LANGUAGES.items() if lang.ci == CI_SIGNIN]


def _one_worker_per_lang(langs: list[str]) -> list:
    """``lang`` parameters whose tests share one pytest-xdist worker per language (make test:
    ``-n 2 --dist loadgroup``), so that ``toolchain`` builds each snippet once, not per worker."""
    return [pytest.param(lang, marks=pytest.mark.xdist_group(f"snippets-{lang}")) for lang in langs]


BY_LANG = _one_worker_per_lang(LANGS)
SIGNIN_BY_LANG = _one_worker_per_lang(SIGNIN_LANGS)


def _base_env(tmp: Path) -> dict[str, str]:
    """A clean environment: no proxy, no AWS profile or metadata service, a UTF-8 locale."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp)),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "AWS_CONFIG_FILE": str(tmp / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1,localhost",
        # Go: module mode on the versions go.sum pins, from the module cache only (no network)
        "GOFLAGS": "-mod=readonly -buildvcs=false",
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
        # Rust: the crates Cargo.lock pins, from Cargo's cache only; one target dir outside the repo
        "CARGO_NET_OFFLINE": "true",
        "CARGO_TARGET_DIR": str(CARGO_TARGET),
        "CARGO_TERM_COLOR": "never",
        "CARGO_PROFILE_DEV_DEBUG": "0",  # no debug info: a quicker build of the SDK on 2 cores
        # Maven's JVM lives a few seconds: the quick JIT tier and the serial collector halve
        # its CPU time (Kotlin's build: 5.1 s of CPU, 2.4 s with these); what it builds is the same
        "MAVEN_OPTS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    }
    env.update({k: os.environ[k] for k in PASS_THROUGH if os.environ.get(k)})
    return env


@dataclass
class Toolchain:
    """How to run one language's snippet from one source folder (None: cannot, and why)."""

    lang: str
    hash_cmd: list[str] | None
    hash_missing: str
    signin_cmd: list[str] | None
    signin_missing: str
    env: dict[str, str]
    cwd: Path
    out: Path

    def run(self, cmd: list[str], extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cmd, cwd=self.cwd, env={**self.env, **extra}, capture_output=True, text=True,
            encoding="utf-8", timeout=120, check=False,
        )


def _missing(*tools: str) -> str:
    absent = [t for t in tools if shutil.which(t) is None]
    return f"{', '.join(absent)} not on PATH" if absent else ""


def _compile(cmd: list[str], cwd: Path, env: dict[str, str], *, timeout: float = 300,
             offline_miss: str = "") -> str:
    """Run a build; "" when it worked, the reason when ``offline_miss`` names a missing download."""
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        output = done.stdout + done.stderr
        if offline_miss and offline_miss in output:
            return (f"{' '.join(cmd[:2])} found its pinned dependencies missing offline "
                    "(bash .ci/install-toolchains fetches them)")
        pytest.fail(f"{' '.join(cmd)} failed in {cwd}:\n{done.stdout}\n{done.stderr}")
    return ""


def _maven(src: Path, out: Path, env: dict[str, str], phase: str) -> str:
    """``mvn <phase>`` offline into ``out/mvn``; "" or why it cannot build."""
    return _compile([*MVN, f"-Dsnippet.build.dir={out / 'mvn'}", phase], src, env, timeout=600,
                    offline_miss="offline")


def _java_classpath(out: Path) -> str:
    """classes + the SDK's jars (target/classpath.txt, written by the pom's dependency plugin)."""
    jars = (out / "mvn/classpath.txt").read_text(encoding="utf-8").strip()
    return f"{out / 'mvn/classes'}{os.pathsep}{jars}"


def _go_modules_missing(src: Path, env: dict[str, str]) -> str:
    """Why the modules go.sum pins cannot be had offline ("" when they are in the module cache)."""
    done = subprocess.run(["go", "mod", "download"], cwd=src, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    if done.returncode == 0:
        return ""
    return ("its modules are not in Go's module cache (bash .ci/install-toolchains runs "
            f"go mod download): {done.stderr.strip()[-200:]}")


def _build(lang: str, src: Path, out: Path) -> Toolchain:
    """Compile (where needed) the snippet in ``src`` into ``out``; say what cannot run."""
    env = _base_env(out)
    hash_cmd = signin_cmd = None
    hash_missing = signin_missing = ""
    why_not = LANGUAGES[lang].why_not_signin
    if lang in ("go", "go-v1"):
        hash_missing = _missing("go") or _go_modules_missing(src, env)
        if not hash_missing:
            _compile(["go", "build", "-o", str(out / "snippet"), "."], src, env)
            hash_cmd = [str(out / "snippet"), "hash"]
            signin_cmd = [str(out / "snippet"), "signin"]
        signin_missing = hash_missing
    elif lang == "node":
        hash_missing = _missing("node")
        if not hash_missing:
            hash_cmd = ["node", "signin.mjs", "hash"]
            if (src / "node_modules/@aws-sdk/client-cognito-identity-provider").is_dir():
                signin_cmd = ["node", "signin.mjs", "signin"]
            else:
                signin_missing = "snippets/node/node_modules is missing (npm ci in snippets/node)"
        else:
            signin_missing = hash_missing
    elif lang == "shell":
        hash_missing = _missing("bash", "openssl", "base64")
        signin_missing = hash_missing or _missing("curl", "jq")
        if not hash_missing:
            hash_cmd = ["bash", "signin.sh", "hash"]
        if not signin_missing:
            signin_cmd = ["bash", "signin.sh", "signin"]
    elif lang == "python":
        hash_cmd = [sys.executable, "signin.py", "hash"]
        signin_cmd = [sys.executable, "signin.py", "signin"]
    elif lang == "ruby":
        hash_missing = _missing("ruby")
        if not hash_missing:
            hash_cmd = ["ruby", "signin.rb", "hash"]
            probe = subprocess.run(["ruby", "-e", 'require "aws-sdk-cognitoidentityprovider"'],
                                   env=env, capture_output=True, timeout=60, check=False)
            if probe.returncode == 0:
                signin_cmd = ["ruby", "signin.rb", "signin"]
        signin_missing = hash_missing or why_not
    elif lang == "php":
        hash_missing = _missing("php")
        if not hash_missing:
            hash_cmd = ["php", "signin.php", "hash"]
            if (src / "vendor/autoload.php").is_file():
                signin_cmd = ["php", "signin.php", "signin"]
        signin_missing = hash_missing or why_not
    elif lang == "java":
        # `mvn test` compiles, runs the JUnit tests of SecretHash (Surefire), writes the classpath
        hash_missing = _missing("mvn", "java") or _maven(src, out, env, "test")
        if not hash_missing:
            hash_cmd = ["java", "-cp", str(out / "mvn/classes"), "SecretHash"]
            signin_cmd = ["java", "-cp", _java_classpath(out), "SignIn"]
        signin_missing = hash_missing
    elif lang == "kotlin":
        hash_missing = _missing("mvn", "java") or _maven(src, out, env, "package")
        if not hash_missing:
            hash_cmd = ["java", "-cp", _java_classpath(out), "SignInKt", "hash"]
            signin_cmd = ["java", "-cp", _java_classpath(out), "SignInKt", "signin"]
        signin_missing = hash_missing
    elif lang == "rust":
        # the first build compiles the SDK (minutes on 2 cores); later ones reuse CARGO_TARGET
        hash_missing = _missing("cargo") or _compile(
            ["cargo", "build", "--locked", "--offline", "--quiet"], src, env, timeout=1800,
            offline_miss="offline")
        if not hash_missing:
            manifest = (src / "Cargo.toml").read_text(encoding="utf-8")
            name = re.search(r'^name = "([^"]+)"$', manifest, re.MULTILINE).group(1)
            shutil.copy2(CARGO_TARGET / "debug" / name, out / "snippet")
            hash_cmd = [str(out / "snippet"), "hash"]
            signin_cmd = [str(out / "snippet"), "signin"]
        signin_missing = hash_missing
    elif lang == "csharp":
        hash_missing = _missing("mcs", "mono")
        if not hash_missing:
            _compile(["mcs", "-nologo", f"-out:{out / 'SecretHash.exe'}", "SecretHash.cs"], src, env)
            hash_cmd = ["mono", str(out / "SecretHash.exe")]
        signin_missing = why_not
    else:  # pragma: no cover - a language added to LANGUAGES without a builder
        pytest.fail(f"tests/test_snippets.py has no builder for {lang!r}")
    return Toolchain(lang, hash_cmd, hash_missing, signin_cmd, signin_missing, env, src, out)


def _not_verified(lang: str, what: str, reason: str, *, required: bool) -> None:
    message = f"{lang} snippet {what} not verified: {reason}"
    if required and lang in REQUIRED:
        pytest.fail(message + " (COGNITO_LAB_REQUIRE_LANGS requires it; run bash .ci/install-toolchains)")
    pytest.skip(message)


def _hash_tool(tc: Toolchain) -> list[str]:
    if tc.hash_cmd is None:
        _not_verified(tc.lang, "hash", tc.hash_missing, required=True)
    assert tc.hash_cmd is not None
    return tc.hash_cmd


def _signin_tool(tc: Toolchain) -> list[str]:
    if tc.signin_cmd is None:
        required = LANGUAGES[tc.lang].ci == CI_SIGNIN
        _not_verified(tc.lang, "sign-in", tc.signin_missing, required=required)
    assert tc.signin_cmd is not None
    return tc.signin_cmd


@pytest.fixture(scope="session")
def toolchain(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Toolchain]:
    """``toolchain(lang)``: the repository's snippet for ``lang``, built once per session."""
    cache: dict[str, Toolchain] = {}

    def get(lang: str) -> Toolchain:
        if lang not in cache:
            cache[lang] = _build(lang, SNIPPETS_DIR / lang, tmp_path_factory.mktemp(f"build-{lang}"))
        return cache[lang]

    return get


def _write_rendered(lang: str, files: dict[str, str], where: Path) -> Path:
    for name, text in files.items():
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_text(text, encoding="utf-8")
    for name in LOCK_FILES.get(lang, ()):
        shutil.copyfile(SNIPPETS_DIR / lang / name, where / name)
    if lang == "rust":
        for name in ("Cargo.toml", "Cargo.lock"):
            text = (where / name).read_text(encoding="utf-8")
            old = f'name = "{RUST_PACKAGE}"\n'
            assert text.count(old) == 1, f"{name}: the package is no longer {RUST_PACKAGE}"
            (where / name).write_text(text.replace(old, f'name = "{RUST_RENDERED}"\n'),
                                      encoding="utf-8")
    if lang == "node" and (SNIPPETS_DIR / "node/node_modules").is_dir():
        (where / "node_modules").symlink_to(SNIPPETS_DIR / "node/node_modules")
    return where


def _settings(case: tuple[str, str, str]) -> dict[str, str]:
    username, client_id, secret = case
    return {"COGNITO_USERNAME": username, "COGNITO_CLIENT_ID": client_id,
            "COGNITO_CLIENT_SECRET": secret}


def _expected_error(client_id: str) -> str:
    err = aws_error("hash_mismatch")
    return f"{err.code}: {err.message(client_id=client_id)}\n"


# -- the hash -------------------------------------------------------------------


def test_published_vectors_agree_with_secret_hash() -> None:
    for case, published in PUBLISHED.items():
        assert secret_hash(*case, strict=False) == published


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("lang", BY_LANG)
def test_snippet_hash_equals_secret_hash(toolchain, lang: str, case: str) -> None:
    tc = toolchain(lang)
    cmd = _hash_tool(tc)
    done = tc.run(cmd, _settings(CASES[case]))
    assert done.returncode == 0, done.stderr
    assert done.stdout == secret_hash(*CASES[case], strict=False) + "\n"


@pytest.mark.parametrize("case", ["vector1", "japanese"])
@pytest.mark.parametrize("lang", BY_LANG)
def test_snippet_mistake_sends_what_the_notebook_says(toolchain, lang: str, case: str) -> None:
    tc = toolchain(lang)
    cmd = _hash_tool(tc)
    done = tc.run(cmd, {**_settings(CASES[case]), "SNIPPET_MISTAKE": LANGUAGES[lang].mistake})
    assert done.returncode == 0, done.stderr
    wrong = mistaken_hash(lang, *CASES[case])
    assert done.stdout == wrong + "\n"
    assert wrong != secret_hash(*CASES[case])


@pytest.mark.parametrize("value", ["1", "other", "HEX"])
@pytest.mark.parametrize("lang", BY_LANG)
def test_snippet_refuses_an_unknown_mistake(toolchain, lang: str, value: str) -> None:
    """SNIPPET_MISTAKE=1 (or another snippet's name) is refused, never the right code by surprise."""
    tc = toolchain(lang)
    cmd = _hash_tool(tc)
    own = LANGUAGES[lang].mistake
    if value == "other":
        value = next(name for name in MISTAKE_NAMES if name != own)
    done = tc.run(cmd, {**_settings(CASES["vector1"]), "SNIPPET_MISTAKE": value})
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert f"SNIPPET_MISTAKE={value} is not known here" in done.stderr
    assert f"this snippet shows SNIPPET_MISTAKE={own} " in done.stderr
    assert CASES["vector1"][2] not in done.stderr
    empty = tc.run(cmd, {**_settings(CASES["vector1"]), "SNIPPET_MISTAKE": ""})
    assert empty.stdout == secret_hash(*CASES["vector1"], strict=False) + "\n"


# -- the sign-in against the local Cognito ---------------------------------------


@pytest.mark.parametrize("lang", BY_LANG)
def test_snippet_signs_in(toolchain, request, lang: str) -> None:
    tc = toolchain(lang)
    cmd = _signin_tool(tc)
    demo = request.getfixturevalue("demo")  # only once the language can run
    done = tc.run(cmd, snippet_env(demo))  # AWS_REGION only, no AWS credentials
    assert (done.returncode, done.stdout) == (0, "signed in: got tokens\n"), done.stderr
    for secret in (demo.client_secret, demo.password):
        assert secret not in done.stdout + done.stderr


def _user_where(local_cognito, demo, lang: str, *, mistake_shows: bool):
    """``demo`` with a user (the demo's own when it fits) for whom ``lang``'s mistake sends a
    wrong hash (``mistake_shows``) or, by chance, the right one.

    Only Java's URL-safe base64 depends on the user: it sends the right hash when the
    hash has neither '+' nor '/' (about one user in four, notebook 10).
    """
    def shows(user: str) -> bool:
        args = (user, demo.client_id, demo.client_secret)
        return mistaken_hash(lang, *args) != secret_hash(*args)

    if shows(demo.username) == mistake_shows:
        return demo
    user = next(f"{demo.username}{i}" for i in itertools.count()
                if shows(f"{demo.username}{i}") == mistake_shows)
    cip = local_cognito.client()
    cip.admin_create_user(UserPoolId=demo.user_pool_id, Username=user, MessageAction="SUPPRESS")
    cip.admin_set_user_password(UserPoolId=demo.user_pool_id, Username=user,
                                Password=demo.password, Permanent=True)
    return dataclasses.replace(demo, username=user)


@pytest.mark.parametrize("lang", BY_LANG)
def test_snippet_mistake_is_refused(toolchain, request, lang: str) -> None:
    tc = toolchain(lang)
    cmd = _signin_tool(tc)
    demo = _user_where(request.getfixturevalue("local_cognito"), request.getfixturevalue("demo"),
                       lang, mistake_shows=True)
    done = tc.run(cmd, {**snippet_env(demo), "SNIPPET_MISTAKE": LANGUAGES[lang].mistake})
    assert done.returncode == 1, done.stderr
    assert done.stdout == _expected_error(demo.client_id)
    for secret in (demo.client_secret, demo.password):
        assert secret not in done.stdout + done.stderr


@pytest.mark.xdist_group("snippets-java")
def test_java_url_safe_mistake_signs_in_when_the_hash_has_no_plus_or_slash(
        toolchain, local_cognito, demo) -> None:
    """Notebook 10's point, with the real SignIn.java: the bug locks out only some users."""
    tc = toolchain("java")
    cmd = _signin_tool(tc)
    lucky = _user_where(local_cognito, demo, "java", mistake_shows=False)
    assert not {"+", "/"} & set(secret_hash(lucky.username, lucky.client_id, lucky.client_secret))
    done = tc.run(cmd, {**snippet_env(lucky), "SNIPPET_MISTAKE": "urlsafe"})
    assert (done.returncode, done.stdout) == (0, "signed in: got tokens\n"), done.stderr


@pytest.mark.xdist_group("snippets-java")
def test_java_unit_tests_ran_on_the_public_vectors(toolchain) -> None:
    """`mvn test` ran SecretHashTest (JUnit 5 through Surefire) and every test passed."""
    tc = toolchain("java")
    _hash_tool(tc)
    report = (tc.out / "mvn/surefire-reports/TEST-SecretHashTest.xml").read_text(encoding="utf-8")
    suite = report[report.index("<testsuite"):report.index(">", report.index("<testsuite"))]
    counts = dict(re.findall(r'\b(tests|failures|errors|skipped)="(\d+)"', suite))
    assert counts == {"tests": "4", "failures": "0", "errors": "0", "skipped": "0"}


@pytest.mark.xdist_group("snippets-shell")
def test_snippet_reports_wrong_password(toolchain, demo) -> None:
    """The error path prints AWS's code and message, not a stack trace (shell: no SDK)."""
    tc = toolchain("shell")
    cmd = _signin_tool(tc)
    done = tc.run(cmd, {**snippet_env(demo), "COGNITO_PASSWORD": "Not-the-password-1"})
    err = aws_error("wrong_password")
    assert (done.returncode, done.stdout) == (1, f"{err.code}: {err.message()}\n")


# -- rendered snippets (what `python -m cognito_helpers snippet` prints) -----------


@pytest.mark.parametrize("lang", BY_LANG)
def test_rendered_snippet_hash(toolchain, tmp_path: Path, lang: str) -> None:
    _hash_tool(toolchain(lang))  # skip/fail like the repository's snippet
    username, client_id, secret = CASES["polish"]
    files = render_files(lang, client_id=client_id, username=username, secret_env="MY_APP_SECRET")
    (tmp_path / "src").mkdir()
    tc = _build(lang, _write_rendered(lang, files, tmp_path / "src"), tmp_path)
    done = tc.run(_hash_tool(tc), {"MY_APP_SECRET": secret})  # no COGNITO_* at all
    assert done.returncode == 0, done.stderr
    assert done.stdout == secret_hash(username, client_id, secret) + "\n"


@pytest.mark.parametrize("lang", SIGNIN_BY_LANG)
def test_rendered_snippet_signs_in(toolchain, demo, tmp_path: Path, lang: str) -> None:
    _signin_tool(toolchain(lang))
    files = render_files(lang, client_id=demo.client_id, username=demo.username,
                         secret_env="MY_APP_SECRET")
    (tmp_path / "src").mkdir()
    tc = _build(lang, _write_rendered(lang, files, tmp_path / "src"), tmp_path)
    env = {k: v for k, v in snippet_env(demo).items()
           if k not in ("COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET", "COGNITO_USERNAME")}
    done = tc.run(_signin_tool(tc), {**env, "MY_APP_SECRET": demo.client_secret})
    assert (done.returncode, done.stdout) == (0, "signed in: got tokens\n"), done.stderr


# -- the module itself (no toolchain needed) -----------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_language_files_exist_and_name_their_mistake(lang: str) -> None:
    files = read(lang)
    assert list(files) == list(LANGUAGES[lang].files)
    code = "\n".join(files.values())
    assert "SNIPPET_MISTAKE" in code
    assert LANGUAGES[lang].mistake in code
    assert "COGNITO_ENDPOINT_URL" in code or lang in ("java", "csharp")


@pytest.mark.parametrize("lang", LANGS)
def test_render_writes_ids_and_never_the_secret(lang: str) -> None:
    text = render(lang, client_id="abc123clientid", username="o'brien\"x", secret_env="APP_SECRET")
    assert "abc123clientid" in text
    assert "APP_SECRET" in text
    assert "Rendered by `python -m cognito_helpers snippet" in text
    assert text != "\n".join(read(lang).values())


@pytest.mark.parametrize("lang", LANGS)
def test_rendered_snippet_names_the_variable_it_reads(lang: str) -> None:
    """The comments of a rendered snippet name the secret's variable its code reads, no other."""
    text = render(lang, client_id="abc123clientid", username="alice", secret_env="MY_APP_SECRET")
    assert "COGNITO_CLIENT_SECRET" not in text
    assert "$MY_APP_SECRET" in text  # the header


@pytest.mark.parametrize("lang", LANGS)
def test_one_mistake_vocabulary(lang: str) -> None:
    """Every snippet's mistake has a name from one vocabulary, documented in its own header."""
    name = LANGUAGES[lang].mistake
    assert name in MISTAKE_NAMES, f"{lang}: {name!r} is not in MISTAKE_NAMES ({', '.join(MISTAKE_NAMES)})"
    assert f"SNIPPET_MISTAKE={name} " in "\n".join(read(lang).values())


def test_check_mistake_refuses_unknown_values() -> None:
    assert check_mistake("go", None) is check_mistake("go", "") is check_mistake("go", False) is False
    assert check_mistake("go", True) is check_mistake("go", "hex") is True
    assert check_mistake("go-v1", "raw") is True
    with pytest.raises(InvalidInputError, match=r"not a SNIPPET_MISTAKE name.*SNIPPET_MISTAKE=hex"):
        check_mistake("go", "1")
    with pytest.raises(InvalidInputError, match=r"another snippet's mistake.*SNIPPET_MISTAKE=raw"):
        check_mistake("go-v1", "hex")
    with pytest.raises(InvalidInputError, match="mistake"):
        run_snippet("python", "hash", env={}, mistake="hexdigest")
    with pytest.raises(InvalidInputError, match="env"):
        run_snippet("python", "hash", env={"SNIPPET_MISTAKE": "1"})


def test_readme_documents_the_mistake_vocabulary() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in MISTAKE_NAMES:
        assert f"`{name}`" in readme, name


def test_render_refuses_bad_input() -> None:
    with pytest.raises(InvalidInputError, match="lang"):
        render("cobol", client_id="abc", username="u")
    with pytest.raises(InvalidInputError, match="client_id"):
        render("go", client_id="us-east-1_AbC", username="u")
    with pytest.raises(InvalidInputError, match="username"):
        render("go", client_id="abc", username="has space")
    with pytest.raises(InvalidInputError, match="secret_env"):
        render("go", client_id="abc", username="u", secret_env="MY-SECRET")


def test_mistakes_differ_from_the_right_hash() -> None:
    for lang in LANGS:
        assert mistaken_hash(lang, *V1) != secret_hash(*V1)


def test_readme_table_matches_what_ci_verifies() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme


def test_required_languages_are_known() -> None:
    assert set(LANGUAGES) >= REQUIRED, f"unknown in COGNITO_LAB_REQUIRE_LANGS: {REQUIRED - set(LANGUAGES)}"


def test_cli_snippet(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["snippet", "--lang", "go", "-c", V1[1], "-u", "alice",
                     "--secret-env", "APP_SECRET"]) == 0
    out = capsys.readouterr().out
    assert out == render("go", client_id=V1[1], username="alice", secret_env="APP_SECRET")
    assert cli_main(["snippet", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(lang.name in listing for lang in LANGUAGES.values())
    assert cli_main(["snippet", "--lang", "go", "-c", "bad-id", "-u", "alice"]) == 2
    assert "client_id" in capsys.readouterr().err
    assert cli_main(["snippet", "--lang", "go"]) == 2
    assert "--client-id" in capsys.readouterr().err


def test_readme_snippet_command_runs() -> None:
    """The README's `snippet` command, run as written (with this interpreter)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in readme.splitlines()
             if ln.strip().startswith(".venv/bin/python -m cognito_helpers snippet")]
    assert lines, "README lost its `snippet` command"
    for line in lines:
        argv = [sys.executable, *shlex.split(line)[1:]]
        done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=60,
                              check=False)
        assert done.returncode == 0, done.stderr
        assert "Rendered by `python -m cognito_helpers snippet" in done.stdout


def _readme_run_lines() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return [ln.strip() for ln in readme.splitlines() if ln.startswith("    cd snippets/")]


README_RUN_LINES = _readme_run_lines()


def test_readme_has_commands_that_run_a_snippet() -> None:
    assert README_RUN_LINES, "README lost its commands that run a snippet"


# one test per line, on the worker that builds that language's snippet (its group)
@pytest.mark.parametrize("line", [
    pytest.param(line, id=line.split("&&")[0].split("/")[-1].strip() + "-" + line.split()[-1],
                 marks=pytest.mark.xdist_group(f"snippets-{line.split()[1].removeprefix('snippets/')}"))
    for line in README_RUN_LINES
])
def test_readme_run_command(toolchain, demo, line: str) -> None:
    """A README `cd snippets/<lang> && ...` line, run as written against the local Cognito."""
    lang = line.split()[1].removeprefix("snippets/")
    tc = toolchain(lang)
    _signin_tool(tc)  # skip/fail like the snippet itself
    # as written, but Maven offline: the tests never reach a registry
    command = line.replace(" mvn ", " mvn -o ")
    done = subprocess.run(["bash", "-c", command], cwd=REPO,
                          env={**tc.env, **snippet_env(demo)}, capture_output=True, text=True,
                          timeout=600, check=False)
    expected = (secret_hash(demo.username, demo.client_id, demo.client_secret) + "\n"
                if line.split()[-1] == "hash" else "signed in: got tokens\n")
    stdout = ANSI.sub("", done.stdout)  # Debian's Maven 3.8.7 prints colour resets under -q
    assert (done.returncode, stdout) == (0, expected), f"{line}\n{done.stderr}"


def test_snippet_env_carries_only_what_the_snippets_read(demo) -> None:
    env = snippet_env(demo)
    assert set(env) == {"AWS_REGION", "COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET",
                        "COGNITO_USERNAME", "COGNITO_PASSWORD", "COGNITO_ENDPOINT_URL"}
    assert env["COGNITO_ENDPOINT_URL"].startswith("http://127.0.0.1:")


@pytest.mark.parametrize("mistake", [False, True])
def test_run_snippet_shell_against_local_cognito(demo, mistake: bool) -> None:
    if _missing("bash", "openssl", "base64", "curl", "jq"):
        _not_verified("shell", "run_snippet", _missing("bash", "openssl", "curl", "jq"),
                      required=True)
    out = run_snippet("shell", "signin", env=snippet_env(demo), mistake=mistake)
    assert out == (_expected_error(demo.client_id) if mistake else "signed in: got tokens\n")


def test_run_snippet_refuses_what_it_cannot_run() -> None:
    with pytest.raises(InvalidInputError, match="lang"):
        run_snippet("go", "hash", env={})
    with pytest.raises(InvalidInputError, match="mode"):
        run_snippet("python", "refresh", env={})
    with pytest.raises(ConfigurationError, match="failed"):
        run_snippet("python", "hash", env={})  # no COGNITO_CLIENT_ID: the snippet exits 1 on stderr


@pytest.mark.xdist_group("snippets-java")
def test_java_needs_a_utf8_locale_for_non_ascii_usernames(toolchain) -> None:
    """What SecretHash.java warns about: in the C locale, the JVM decodes the environment as ASCII."""
    tc = toolchain("java")
    cmd = _hash_tool(tc)
    case = CASES["polish"]
    right = secret_hash(*case) + "\n"
    assert tc.run(cmd, _settings(case)).stdout == right  # C.UTF-8, as every test runs
    in_c_locale = tc.run(cmd, {**_settings(case), "LANG": "C", "LC_ALL": "C"})
    assert in_c_locale.returncode == 0, in_c_locale.stderr
    assert in_c_locale.stdout != right

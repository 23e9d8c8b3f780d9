"""The SECRET_HASH and the USER_PASSWORD_AUTH sign-in in other languages.

Taught in ``notebooks/10-other-languages.ipynb``. The code lives in real files
under ``snippets/<language>/`` (each reads its settings from the environment
and has a ``hash`` and a ``signin`` mode); ``tests/test_snippets.py`` runs
every one whose toolchain is installed against :func:`~cognito_helpers.secret_hash`
and the local Cognito. This module describes them, says what each one's
classic mistake sends, and renders a snippet for given ids, the secret always
read from an environment variable (never written into the code).

Standard library only.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import ConfigurationError, InvalidInputError
from ..hashing import check_client_id, check_client_secret, check_username, hmac_sha256
from ..validate import mapping, number, shown, with_text_fields

__all__ = [
    "LANGUAGES",
    "MISTAKE_NAMES",
    "SNIPPETS_DIR",
    "SNIPPET_LANGUAGES",
    "SNIPPET_MISTAKES",
    "Language",
    "check_mistake",
    "hash_lines",
    "markdown_table",
    "mistaken_hash",
    "read",
    "read_snippet",
    "render",
    "render_files",
    "render_snippet",
    "run_snippet",
    "snippet_env",
    "snippet_hash_lines",
    "snippet_mistake_hash",
]

SNIPPETS_DIR = Path(__file__).resolve().parents[2] / "snippets"

# What CI checks for a language (the README's table says the same):
CI_SIGNIN = "signin"  # hash on the vectors + sign-in against the local Cognito (and the mistake fails)
CI_HASH = "hash"  # hash on the vectors (and what the mistake sends); the SDK call is not run

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DEFAULT_SECRET_ENV = "COGNITO_CLIENT_SECRET"  # noqa: S105 (a variable name, not a secret)


# SNIPPET_MISTAKE's one vocabulary, in every language: name -> the mistake. Each snippet
# carries one of them (Language.mistake), switched on by SNIPPET_MISTAKE=<its name>;
# unset (or empty) runs the right code and any other value is refused with exit 2 and
# a message naming the snippet's own mistake. The names are the calculator's MISTAKES
# keys where one fits (lessons/calculator.py; "raw" is its "raw_secret").
MISTAKE_NAMES: dict[str, str] = {
    "hex": "hex text where base64 of the raw digest belongs (PHP: base64 of that hex text)",
    "raw": "the client secret itself sent as SECRET_HASH, no HMAC",
    "urlsafe": "URL-safe base64: '-' and '_' where Cognito expects '+' and '/'",
    "nopad": "base64 without its '=' padding",
    "newline": "a newline that does not belong: hashed with the message (shell echo) "
               "or appended to the hash (Ruby encode64)",
    "reversed": "the message the wrong way round: client id + username",
    "swapped": "key and message swapped: HMAC keyed with username + client id",
    "sha256": "plain SHA-256 of the text, no HMAC",
}


def _digest(username: str, client_id: str, client_secret: str) -> bytes:
    return hmac_sha256(client_secret.encode("utf-8"), (username + client_id).encode("utf-8"))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class Language:
    """One language's snippet: where it is, how to run it, what CI verifies, its mistake."""

    key: str
    name: str
    sdk: str
    files: tuple[str, ...]
    run_hash: str
    run_signin: str
    ci: str
    ci_toolchain: str
    why_not_signin: str
    mistake: str
    mistake_code: str
    mistake_note: str
    # regex before ("NAME") for the call that reads an environment variable
    env_call: str
    literal: Callable[[str], str]
    comment: str
    _mistaken: Callable[[str, str, str], str]

    @property
    def paths(self) -> tuple[Path, ...]:
        """The snippet's files (absolute paths)."""
        return tuple(SNIPPETS_DIR / self.key / name for name in self.files)

    @property
    def verified(self) -> str:
        """What CI verifies, in words (the README's table)."""
        if self.ci == CI_SIGNIN:
            return "hash and sign-in against the local Cognito"
        return "hash only (" + self.why_not_signin + ")"


def _json_literal(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _single_quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _shell_quoted(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


_LANGS = [
    Language(
        key="go",
        name="Go",
        sdk="AWS SDK for Go v2",
        files=("main.go", "go.mod"),
        run_hash="go run . hash",
        run_signin="go run . signin",
        ci=CI_SIGNIN,
        ci_toolchain="Go 1.26, a module: the SDK pinned by go.mod and go.sum (Go module proxy)",
        why_not_signin="",
        mistake="hex",
        mistake_code="hex.EncodeToString(mac.Sum(nil))",
        mistake_note="64 hex characters instead of 44 base64 ones",
        env_call=r"mustEnv\(",
        literal=_json_literal,
        comment="//",
        _mistaken=lambda u, c, s: _digest(u, c, s).hex(),
    ),
    Language(
        key="go-v1",
        name="Go, the seed article's program (SDK v1)",
        sdk="AWS SDK for Go v1 (end of support 31 July 2025; use v2, snippets/go)",
        files=("main.go", "go.mod"),
        run_hash="go run . hash",
        run_signin="go run . signin",
        ci=CI_SIGNIN,
        ci_toolchain="Go 1.26, a module: aws-sdk-go v1.55.8 pinned by go.mod and go.sum",
        why_not_signin="",
        mistake="raw",
        mistake_code='"SECRET_HASH": aws.String(clientSecret)',
        mistake_note="the article's first try: the app client secret itself, not its HMAC",
        env_call=r"mustEnv\(",
        literal=_json_literal,
        comment="//",
        _mistaken=lambda u, c, s: s,
    ),
    Language(
        key="node",
        name="JavaScript (Node.js)",
        sdk="AWS SDK for JavaScript v3",
        files=("signin.mjs", "package.json"),
        run_hash="node signin.mjs hash",
        run_signin="npm ci && node signin.mjs signin",
        ci=CI_SIGNIN,
        ci_toolchain="Node.js 20, `npm ci` in snippets/node",
        why_not_signin="",
        mistake="hex",
        mistake_code="createHmac('sha256', secret).update(username + clientId).digest('hex')",
        mistake_note="64 hex characters instead of 44 base64 ones",
        env_call=r"env\(",
        literal=_json_literal,
        comment="//",
        _mistaken=lambda u, c, s: _digest(u, c, s).hex(),
    ),
    Language(
        key="shell",
        name="Shell (bash, openssl, curl)",
        sdk="no SDK: curl with the X-Amz-Target header",
        files=("signin.sh",),
        run_hash="bash signin.sh hash",
        run_signin="bash signin.sh signin",
        ci=CI_SIGNIN,
        ci_toolchain="bash, openssl, base64, curl, jq",
        why_not_signin="",
        mistake="newline",
        mistake_code='echo "$USERNAME$CLIENT_ID" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64',
        mistake_note="echo adds a newline, so the message hashed is username + client id + '\\n'",
        env_call="",
        literal=_shell_quoted,
        comment="#",
        _mistaken=lambda u, c, s: _b64(_digest(u, c + "\n", s)),
    ),
    Language(
        key="python",
        name="Python",
        sdk="boto3",
        files=("signin.py",),
        run_hash="python signin.py hash",
        run_signin="python signin.py signin",
        ci=CI_SIGNIN,
        ci_toolchain="the project venv (boto3)",
        why_not_signin="",
        mistake="hex",
        mistake_code="hmac.new(secret, msg, hashlib.sha256).hexdigest()",
        mistake_note="64 hex characters instead of 44 base64 ones",
        env_call=r"env\(",
        literal=_json_literal,
        comment="#",
        _mistaken=lambda u, c, s: _digest(u, c, s).hex(),
    ),
    Language(
        key="java",
        name="Java",
        sdk="AWS SDK for Java 2.x (software.amazon.awssdk:cognitoidentityprovider)",
        files=("src/main/java/SecretHash.java", "src/main/java/SignIn.java", "pom.xml"),
        run_hash="mvn -q test && java -cp target/classes SecretHash",
        run_signin='mvn -q test && java -cp "target/classes:$(cat target/classpath.txt)" SignIn',
        ci=CI_SIGNIN,
        ci_toolchain="JDK 17 + Maven 3.8; pom.xml pins the SDK 2.57.8 (Maven Central); "
        "JUnit 5 tests of SecretHash on the public vectors (Surefire)",
        why_not_signin="",
        mistake="urlsafe",
        mistake_code="Base64.getUrlEncoder().encodeToString(digest)",
        mistake_note="'-' and '_' where Cognito expects '+' and '/' (same hash when neither occurs)",
        env_call=r"(?:SecretHash\.)?env\(",
        literal=_json_literal,
        comment="//",
        _mistaken=lambda u, c, s: base64.urlsafe_b64encode(_digest(u, c, s)).decode("ascii"),
    ),
    Language(
        key="kotlin",
        name="Kotlin (JVM)",
        sdk="AWS SDK for Java 2.x, called from Kotlin",
        files=("src/main/kotlin/SignIn.kt", "pom.xml"),
        run_hash='mvn -q package && java -cp "target/classes:$(cat target/classpath.txt)" SignInKt hash',
        run_signin='mvn -q package && java -cp "target/classes:$(cat target/classpath.txt)" SignInKt signin',
        ci=CI_SIGNIN,
        ci_toolchain="JDK 17 + Maven 3.8; pom.xml pins kotlin-maven-plugin 2.4.21 and the SDK "
        "2.57.8 (Maven Central)",
        why_not_signin="",
        mistake="reversed",
        mistake_code='mac.doFinal("$clientId$username".toByteArray())',
        mistake_note="the string template written the other way round: client id, then username",
        env_call=r"env\(",
        literal=lambda value: _json_literal(value).replace("$", "\\$"),
        comment="//",
        _mistaken=lambda u, c, s: _b64(_digest(c, u, s)),
    ),
    Language(
        key="rust",
        name="Rust",
        sdk="AWS SDK for Rust (aws-sdk-cognitoidentityprovider)",
        files=("src/main.rs", "Cargo.toml"),
        run_hash="cargo run -- hash",
        run_signin="cargo run -- signin",
        ci=CI_SIGNIN,
        ci_toolchain="Rust 1.95 (rustup); Cargo.lock pins aws-sdk-cognitoidentityprovider 1.144.0, "
        "hmac, sha2, base64 (crates.io)",
        why_not_signin="",
        mistake="nopad",
        mistake_code="general_purpose::STANDARD_NO_PAD.encode(digest)",
        mistake_note="no '=' padding: 43 characters instead of 44",
        env_call=r"env\(",
        literal=lambda value: f"String::from({_json_literal(value)})",
        comment="//",
        _mistaken=lambda u, c, s: _b64(_digest(u, c, s)).rstrip("="),
    ),
    Language(
        key="ruby",
        name="Ruby",
        sdk="AWS SDK for Ruby v3 (aws-sdk-cognitoidentityprovider)",
        files=("signin.rb",),
        run_hash="ruby signin.rb hash",
        run_signin="gem install aws-sdk-cognitoidentityprovider && ruby signin.rb signin",
        ci=CI_HASH,
        ci_toolchain="Debian ruby 3.1",
        why_not_signin="the SDK's Cognito gem is not packaged by Debian and RubyGems is out of reach",
        mistake="newline",
        mistake_code="Base64.encode64(mac)",
        mistake_note="encode64 ends the text with a newline; strict_encode64 does not",
        env_call=r"env\(",
        literal=_single_quoted,
        comment="#",
        _mistaken=lambda u, c, s: _b64(_digest(u, c, s)) + "\n",
    ),
    Language(
        key="php",
        name="PHP",
        sdk="AWS SDK for PHP v3 (aws/aws-sdk-php)",
        files=("signin.php",),
        run_hash="php signin.php hash",
        run_signin="composer require aws/aws-sdk-php && php signin.php signin",
        ci=CI_HASH,
        ci_toolchain="Debian php-cli 8.2",
        why_not_signin="the SDK comes from Composer (Packagist), which is out of reach",
        mistake="hex",
        mistake_code="base64_encode(hash_hmac('sha256', $username . $clientId, $secret))",
        mistake_note="without `true` hash_hmac returns hex text; its base64 is 88 characters",
        env_call=r"env\(",
        literal=_single_quoted,
        comment="//",
        _mistaken=lambda u, c, s: _b64(_digest(u, c, s).hex().encode("ascii")),
    ),
    Language(
        key="csharp",
        name="C#",
        sdk="AWS SDK for .NET (AWSSDK.CognitoIdentityProvider)",
        files=("SecretHash.cs", "SignIn.cs", "SignIn.csproj"),
        run_hash="dotnet run -p:StartupObject=SecretHash",
        run_signin="dotnet run",
        ci=CI_HASH,
        ci_toolchain="Debian mono-mcs (SecretHash.cs)",
        why_not_signin="the SDK comes from NuGet, which is out of reach",
        mistake="hex",
        mistake_code='BitConverter.ToString(digest).Replace("-", "")',
        mistake_note="64 hex characters instead of 44 base64 ones",
        env_call=r"(?:SecretHash\.)?Env\(",
        literal=_json_literal,
        comment="//",
        _mistaken=lambda u, c, s: _digest(u, c, s).hex(),
    ),
]

LANGUAGES: dict[str, Language] = {lang.key: lang for lang in _LANGS}


def _language(lang: str) -> Language:
    try:
        return LANGUAGES[lang]
    except (KeyError, TypeError):
        raise InvalidInputError(
            "lang", f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}."
        ) from None


def check_mistake(lang: str, value: object) -> bool:
    """Whether ``SNIPPET_MISTAKE=value`` switches on ``lang``'s mistake, as the snippet decides.

    ``None``, ``""`` and ``False``: no (the right code); ``True`` or the snippet's
    own name (:data:`MISTAKE_NAMES`): yes. Anything else is refused with
    :class:`~cognito_helpers.InvalidInputError`, as the snippet itself refuses it
    (exit 2), so ``SNIPPET_MISTAKE=1`` never runs the right code by surprise.
    """
    language = _language(lang)
    if value is None or value is False or value == "":
        return False
    if value is True or value == language.mistake:
        return True
    known = value in MISTAKE_NAMES if isinstance(value, str) else False
    raise InvalidInputError(
        "mistake",
        f"{value!r} is "
        + ("another snippet's mistake" if known else "not a SNIPPET_MISTAKE name")
        + f"; the {language.name} snippet shows SNIPPET_MISTAKE={language.mistake} "
        f"({MISTAKE_NAMES[language.mistake]}). Leave it unset for the right hash.",
    )


def mistaken_hash(lang: str, username: str, client_id: str, client_secret: str) -> str:
    """What ``lang``'s snippet sends with its classic mistake (``SNIPPET_MISTAKE``) switched on.

    The tests check this against the real snippet, so what the notebook shows
    for each language is what that language really does.
    """
    language = _language(lang)
    # Hashed as given (like strict=False), but text that has no UTF-8 form (a lone
    # surrogate) or is not text at all is refused naming the field, not a raw traceback.
    for field, value, check in (("username", username, check_username),
                                ("client_id", client_id, check_client_id),
                                ("client_secret", client_secret, check_client_secret)):
        check(value, strict=False)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInputError(
                field, "contains a lone surrogate, which is not valid text and has no UTF-8 "
                "form. Decode the input properly first."
            ) from None
    return language._mistaken(username, client_id, client_secret)


def read(lang: str) -> dict[str, str]:
    """The snippet's files as they are in the repository: ``{file name: text}``."""
    language = _language(lang)
    out = {}
    for name, path in zip(language.files, language.paths, strict=True):
        try:
            out[name] = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigurationError(
                f"{path} is missing: the snippets ship with the repository, not with the "
                "package. Run from a clone of the project (pip install -e .)."
            ) from None
    return out


def _header(language: Language, client_id: str, username: str, secret_env: str) -> str:
    c = language.comment
    return (
        f"{c} Rendered by `python -m cognito_helpers snippet --lang {language.key}` for app client\n"
        f"{c} {client_id} and user {username}. The client secret is read from ${secret_env},\n"
        f"{c} the password from $COGNITO_PASSWORD, the region from $AWS_REGION.\n"
    )


def _insert_header(text: str, header: str) -> str:
    first, sep, rest = text.partition("\n")
    if first.startswith(("#!", "<?php")):
        return first + sep + header + rest
    return header + text


def _substitute(language: Language, name: str, text: str, values: dict[str, str],
                secret_env: str) -> str:
    if language.key == "shell":
        for var, value in values.items():
            text, n = re.subn(
                rf'^: "\$\{{{var}:\?set {var}\}}"$',
                f"{var}={language.literal(value)}",
                text,
                flags=re.MULTILINE,
            )
            if n != 1:
                raise ConfigurationError(f"{name}: cannot find where it reads ${var}")
        return re.sub(r"\bCOGNITO_CLIENT_SECRET\b", secret_env, text)
    for var, value in values.items():
        pattern = re.compile(rf'{language.env_call}(["\']){var}\1\)')
        text = pattern.sub(lambda _m, value=value: language.literal(value), text)
    # the call that reads it and every comment that names it: the header never says
    # COGNITO_CLIENT_SECRET while the code reads another variable
    return re.sub(r"\bCOGNITO_CLIENT_SECRET\b", secret_env, text)


# project files (dependencies, build settings): rendered as they are, without a header
_MANIFESTS = (".json", ".csproj", ".mod", ".xml", ".toml")


def render_files(
    lang: str, *, client_id: str, username: str, secret_env: str = DEFAULT_SECRET_ENV
) -> dict[str, str]:
    """``lang``'s snippet files with ``client_id`` and ``username`` written in.

    The client secret is never written into the code: it is read from the
    environment variable ``secret_env``; the password stays in
    ``$COGNITO_PASSWORD``. ``client_id`` and ``username`` must follow
    Cognito's rules (:func:`~cognito_helpers.check_client_id`).
    """
    language = _language(lang)
    client_id = check_client_id(client_id)
    username = check_username(username)
    if not isinstance(secret_env, str) or not _ENV_NAME.fullmatch(secret_env):
        raise InvalidInputError(
            "secret_env",
            f"{secret_env!r} is not an environment variable name (letters, digits and '_', "
            "not starting with a digit), for example MY_APP_CLIENT_SECRET.",
        )
    values = {"COGNITO_CLIENT_ID": client_id, "COGNITO_USERNAME": username}
    out = {}
    for name, text in read(lang).items():
        if name.endswith(_MANIFESTS):
            out[name] = text
            continue
        text = _substitute(language, name, text, values, secret_env)
        out[name] = _insert_header(text, _header(language, client_id, username, secret_env))
    return out


def render(
    lang: str, *, client_id: str, username: str, secret_env: str = DEFAULT_SECRET_ENV
) -> str:
    """:func:`render_files` as one text; several files are separated by a comment line each."""
    language = _language(lang)
    files = render_files(lang, client_id=client_id, username=username, secret_env=secret_env)
    if len(files) == 1:
        return next(iter(files.values()))
    parts = []
    for name, text in files.items():
        marker = ("<!--" if name.endswith((".csproj", ".xml"))
                  else "#" if name.endswith(".toml") else language.comment)
        end = " -->" if marker == "<!--" else ""
        parts.append(f"{marker} ===== {name} ====={end}\n{text}")
    return "\n".join(parts)


def markdown_table() -> str:
    """The README's "Other languages" table: what CI verifies for each snippet."""
    rows = [
        "| Language | Snippet | SDK | Verified in CI | Toolchain in CI |",
        "| --- | --- | --- | --- | --- |",
    ]
    for lang in LANGUAGES.values():
        links = ", ".join(f"[{f}](snippets/{lang.key}/{f})" for f in lang.files)
        rows.append(
            f"| {lang.name} | {links} | {lang.sdk} | {lang.verified} | {lang.ci_toolchain} |"
        )
    return "\n".join(rows)


def snippet_env(target: Any) -> dict[str, str]:
    """The variables every snippet reads, from a ``Target`` or ``DemoPool``.

    The result holds the client secret and the password: hand it to a
    subprocess, never print it.
    """
    with_text_fields("target", target, ("region", "client_id", "client_secret", "username",
                                        "password", "endpoint_url"),
                     "a Target (get_target()) or a DemoPool",
                     optional=("client_secret", "username", "password", "endpoint_url"))
    env = {
        "AWS_REGION": target.region,
        "COGNITO_CLIENT_ID": target.client_id,
        "COGNITO_CLIENT_SECRET": target.client_secret or "",
        "COGNITO_USERNAME": target.username or "",
        "COGNITO_PASSWORD": target.password or "",
    }
    if target.endpoint_url:
        env["COGNITO_ENDPOINT_URL"] = target.endpoint_url
    return env


# interpreted snippets run_snippet can start without a build step: key -> argv before the mode
_INTERPRETERS = {
    "shell": (["bash", "signin.sh"], ("bash", "openssl", "base64", "curl", "jq")),
    "python": ([sys.executable, "signin.py"], ()),
    "node": (["node", "signin.mjs"], ("node",)),
    "ruby": (["ruby", "signin.rb"], ("ruby",)),
    "php": (["php", "signin.php"], ("php",)),
}


def run_snippet(
    lang: str, mode: str = "signin", *, env: Mapping[str, str], mistake: bool | str = False,
    timeout: float = 60,
) -> str:
    """Run the repository's snippet for ``lang`` and return what it printed on stdout.

    ``mode`` is ``"hash"`` or ``"signin"``; ``mistake=True`` (or the language's
    name for it, see :func:`check_mistake`) switches on its classic mistake
    (``SNIPPET_MISTAKE``); another name is refused. ``env`` supplies the
    settings (see :func:`snippet_env`); nothing else of this process's AWS
    configuration is passed on. Interpreted languages only (shell, python,
    node, ruby, php): the compiled ones are built by ``tests/test_snippets.py``.
    """
    language = _language(lang)
    if lang not in _INTERPRETERS:
        raise InvalidInputError(
            "lang", f"{lang} needs a build step; run_snippet runs {', '.join(_INTERPRETERS)}."
        )
    if mode not in ("hash", "signin"):
        raise InvalidInputError("mode", f"{mode!r}: use 'hash' or 'signin'.")
    mistake = check_mistake(lang, mistake)
    if not isinstance(env, Mapping) or "SNIPPET_MISTAKE" in env:
        raise InvalidInputError(
            "env", "a mapping of the snippet's settings, without SNIPPET_MISTAKE "
            "(pass mistake=True instead)."
        )
    mapping("env", env, values=str, what="a dict of environment variables (str: str), e.g. "
            "snippet_env(target)")
    for key, value in env.items():
        if not key or "=" in key or "\x00" in key + value or not (key + value).isprintable():
            raise InvalidInputError(
                "env", f"{shown(key)}: a variable's name is non-empty, without '=', and name and "
                "value are printable text on one line."
            )
    number("timeout", timeout, minimum=0.001, maximum=3600, unit="seconds")
    argv, tools = _INTERPRETERS[lang]
    absent = [t for t in tools if shutil.which(t) is None]
    if absent:
        raise ConfigurationError(
            f"the {language.name} snippet needs {', '.join(absent)} on PATH "
            "(bash .ci/install-toolchains installs them on Debian)."
        )
    read(lang)  # a clear error when snippets/ is missing
    clean = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": os.environ.get("HOME", "/"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    if mistake:
        clean["SNIPPET_MISTAKE"] = language.mistake
    try:
        done = subprocess.run(  # noqa: S603 (fixed argv, no shell)
            [*argv, mode], cwd=SNIPPETS_DIR / lang, env={**clean, **env}, capture_output=True,
            text=True, encoding="utf-8", errors="replace", timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        raise ConfigurationError(
            f"the {language.name} snippet did not finish within {timeout} s; is the endpoint in "
            "env (COGNITO_ENDPOINT_URL) running? Pass a longer timeout if it is slow."
        ) from None
    except OSError as exc:
        raise ConfigurationError(
            f"the {language.name} snippet could not start: {exc.strerror or exc}."
        ) from None
    if done.returncode not in (0, 1) or (done.returncode == 1 and not done.stdout):
        raise ConfigurationError(
            f"the {language.name} snippet failed (exit {done.returncode}): "
            f"{done.stderr.strip()[-300:]}"
        )
    return done.stdout


_CORE = re.compile(r"hmac|base64|pack\(|getEncoder|ComputeHash|\bmac\.|doFinal", re.IGNORECASE)
_NOT_CORE = re.compile(
    r"SNIPPET_MISTAKE|WRONG|SECRET_HASH =|throw |^\s*(//|#|\*)|^\s*(import|require|using [A-Z]|use )"
    r"|^\s*\"(crypto|encoding)/"
)


def hash_lines(lang: str) -> list[str]:
    """The lines of ``lang``'s snippet that compute the hash (its right way), stripped."""
    language = _language(lang)
    code = read(lang)[language.files[0]]
    return [ln.strip() for ln in code.splitlines() if _CORE.search(ln) and not _NOT_CORE.search(ln)]


# flat names for ``import cognito_helpers as ch`` (notebooks use ch.<name>)
SNIPPET_LANGUAGES = LANGUAGES
snippet_hash_lines = hash_lines
read_snippet = read
render_snippet = render
snippet_mistake_hash = mistaken_hash
SNIPPET_MISTAKES = MISTAKE_NAMES

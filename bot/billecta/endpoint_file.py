"""Paths corrected from configuration: the TOML file named by `BILLECTA_ENDPOINTS`.

24 of the table's paths are our suggestion or a guess (endpoints.py). When `billecta-bot endpoints
--check` finds one that Billecta does not route, an operator writes the right one here instead of
waiting for a release; one line per endpoint, the path alone or with its method:

    invoice_pause = "/v1/invoice/pauseaction/{aid}"
    swish_request = "POST /v1/payments/swish/{aid}"

Each line is checked when the settings load: the name must be one the bot uses and the path must
carry exactly the placeholders the bot fills for that endpoint. A mistake stops the start with its
line number and what to write instead, since a silently ignored correction would look like a fix.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.billecta.endpoints import ENDPOINTS, Endpoint, placeholders

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
_NOUNS = {"cid": "the creditor's id", "did": "the debtor's id", "pid": "the product's id",
          "aid": "the invoice's or case's id", "fid": "the file's id", "upid": "the unhandled payment's id",
          "token": "the Swish request's token"}
EXAMPLE = 'invoice_pause = "PUT /v1/invoice/pause/{aid}"'


def load(path: Path) -> dict[str, Endpoint]:
    """The endpoint table with the file's corrections applied; ValueError naming the line otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"the file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {str(path)!r} ({type(error).__name__})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path.name} is not valid TOML: {error}; write one line per endpoint, "
                         f"such as {EXAMPLE}") from None
    table = dict(ENDPOINTS)
    for name, value in data.items():
        where = _where(path, text, name)
        table[name] = _corrected(where, name, value)
    return table


def _corrected(where: str, name: str, value: Any) -> Endpoint:
    endpoint = ENDPOINTS.get(name)
    if endpoint is None:
        close = difflib.get_close_matches(name, ENDPOINTS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"{where}: {name!r} is not an endpoint the bot uses{hint}; "
                         "`billecta-bot endpoints` run without BILLECTA_ENDPOINTS lists the names")
    if not isinstance(value, str):
        raise ValueError(f"{where}: give {name} a string with its path, optionally after its method: "
                         f'{name} = "{endpoint.method} {endpoint.path}"')
    method, path = _split(where, name, value.strip(), endpoint)
    _check_placeholders(where, name, path, endpoint)
    if method == endpoint.method and path == endpoint.path:
        return endpoint
    return replace(endpoint, method=method, path=path, aliases=(), overridden=True)


def _split(where: str, name: str, value: str, endpoint: Endpoint) -> tuple[str, str]:
    first, _, rest = value.partition(" ")
    method, path = (first.upper(), rest.strip()) if rest else (endpoint.method, first)
    if method not in METHODS:
        raise ValueError(f"{where}: {first!r} is not an HTTP method; use one of {', '.join(METHODS)}, "
                         f'e.g. {name} = "{endpoint.method} {endpoint.path}"')
    if not path.startswith("/") or " " in path:
        raise ValueError(f"{where}: the path must start with / and have no spaces, "
                         f'e.g. {name} = "{endpoint.path}"')
    if "?" in path:
        raise ValueError(f"{where}: give the path without its query string (the bot adds the parameters "
                         f'itself), e.g. {name} = "{path.partition("?")[0]}"')
    return method, path


def _check_placeholders(where: str, name: str, path: str, endpoint: Endpoint) -> None:
    try:
        found = placeholders(path)
    except ValueError:
        found = None
    if found is None or any(not re.fullmatch(r"[a-z]+", item) for item in found):
        raise ValueError(f"{where}: write placeholders as {{aid}}, {{cid}} … with nothing else in the braces")
    wanted = endpoint.placeholders
    if found == wanted:
        return
    missing, extra = sorted(wanted - found), sorted(found - wanted)
    parts = []
    if missing:
        parts.append("it lacks " + ", ".join(f"{{{item}}} ({_NOUNS.get(item, item)})" for item in missing))
    if extra:
        parts.append("the bot has no value for " + ", ".join(f"{{{item}}}" for item in extra))
    needs = ", ".join(f"{{{item}}}" for item in sorted(wanted)) or "no placeholder"
    raise ValueError(f"{where}: {'; '.join(parts)}; the path of {name} takes {needs}, "
                     f'as in "{endpoint.path}"')


def _where(path: Path, text: str, name: str) -> str:
    """'endpoints.toml line 3': the key's line, since tomllib reports positions only for syntax errors."""
    pattern = re.compile(rf"^[ \t]*\[?[ \t]*([\"']?){re.escape(name)}\1[ \t]*[=\].]", re.MULTILINE)
    found = pattern.search(text)
    if found is None:
        return path.name
    return f"{path.name} line {text.count(chr(10), 0, found.start()) + 1}"

"""Signature recipes for HTTP gateways that sign with a hash of some fields.

Many small gateways want something like ``md5(account+password+mobile+content+timestamp)``.
The owner types that formula into the account settings; :func:`compile_recipe` checks it once
and the adapter evaluates it for every request.

Grammar: terms joined by ``+``.  A term is a variable name, a quoted literal (``'&'`` or
``"&"``) or a function call.  Functions: ``md5``, ``sha1``, ``sha256``, ``sha512`` (lowercase
hex of the UTF-8 text), ``upper``, ``lower``, and ``hmac_md5``, ``hmac_sha1``, ``hmac_sha256``
taking ``(key, data)``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from smsdesk.i18n import tr

_TOKEN = re.compile(
    r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|'(?P<sq>[^']*)'|\"(?P<dq>[^\"]*)\"|(?P<op>[+(),]))"
)

_HASHES: dict[str, Callable[[str], str]] = {
    "md5": lambda s: hashlib.md5(s.encode()).hexdigest(),
    "sha1": lambda s: hashlib.sha1(s.encode()).hexdigest(),
    "sha256": lambda s: hashlib.sha256(s.encode()).hexdigest(),
    "sha512": lambda s: hashlib.sha512(s.encode()).hexdigest(),
    "upper": str.upper,
    "lower": str.lower,
}
_HMACS = {"hmac_md5": hashlib.md5, "hmac_sha1": hashlib.sha1, "hmac_sha256": hashlib.sha256}


class RecipeError(ValueError):
    """The formula does not parse, or names a value the request does not have."""


def vonage_canonical(params: Mapping[str, str]) -> str:
    """``&k1=v1&k2=v2`` sorted by key, ``&`` and ``=`` inside values replaced by ``_``."""
    return "".join(
        f"&{k}={v.replace('&', '_').replace('=', '_')}" for k, v in sorted(params.items())
    )


@dataclass(frozen=True)
class _Literal:
    text: str

    def evaluate(self, values: Mapping[str, str]) -> str:
        return self.text


@dataclass(frozen=True)
class _Variable:
    name: str

    def evaluate(self, values: Mapping[str, str]) -> str:
        try:
            return values[self.name]
        except KeyError:
            raise RecipeError(
                tr(
                    "The signature formula uses {name}, which the request does not have.",
                    name=self.name,
                )
            ) from None


@dataclass(frozen=True)
class _Call:
    function: str
    args: tuple[_Node, ...]

    def evaluate(self, values: Mapping[str, str]) -> str:
        args = [a.evaluate(values) for a in self.args]
        if self.function in _HASHES:
            return _HASHES[self.function](args[0])
        key, data = args
        return hmac.new(key.encode(), data.encode(), _HMACS[self.function]).hexdigest()


@dataclass(frozen=True)
class _Concat:
    parts: tuple[_Node, ...]

    def evaluate(self, values: Mapping[str, str]) -> str:
        return "".join(p.evaluate(values) for p in self.parts)


_Node = _Literal | _Variable | _Call | _Concat


@dataclass(frozen=True)
class Recipe:
    source: str
    root: _Node

    def evaluate(self, values: Mapping[str, str]) -> str:
        return self.root.evaluate(values)

    def variables(self) -> set[str]:
        found: set[str] = set()
        stack: list[_Node] = [self.root]
        while stack:
            node = stack.pop()
            if isinstance(node, _Variable):
                found.add(node.name)
            elif isinstance(node, _Call):
                stack.extend(node.args)
            elif isinstance(node, _Concat):
                stack.extend(node.parts)
        return found


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(source):
            if source[pos:].strip() == "":
                break
            match = _TOKEN.match(source, pos)
            if match is None:
                raise RecipeError(
                    tr("The signature formula cannot be read at: {rest}", rest=source[pos:])
                )
            kind = match.lastgroup or ""
            value = match.group(kind)
            self.tokens.append(("lit" if kind in ("sq", "dq") else kind, value))
            pos = match.end()
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise RecipeError(tr("The signature formula ends too early."))
        self.index += 1
        return token

    def expect(self, op: str) -> None:
        if self.take() != ("op", op):
            raise RecipeError(tr("The signature formula expects {symbol} here.", symbol=op))

    def expression(self) -> _Node:
        parts = [self.term()]
        while self.peek() == ("op", "+"):
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else _Concat(tuple(parts))

    def term(self) -> _Node:
        kind, value = self.take()
        if kind == "lit":
            return _Literal(value)
        if kind != "name":
            raise RecipeError(tr("The signature formula has an unexpected {token}.", token=value))
        if self.peek() != ("op", "("):
            return _Variable(value)
        self.take()
        args = [self.expression()]
        while self.peek() == ("op", ","):
            self.take()
            args.append(self.expression())
        self.expect(")")
        wanted = 1 if value in _HASHES else 2 if value in _HMACS else None
        if wanted is None:
            raise RecipeError(
                tr("The signature formula uses an unknown function {name}.", name=value)
            )
        if len(args) != wanted:
            raise RecipeError(
                tr(
                    "{name} in the signature formula takes {count} argument(s).",
                    name=value,
                    count=wanted,
                )
            )
        return _Call(value, tuple(args))


def compile_recipe(source: str) -> Recipe:
    parser = _Parser(source)
    if not parser.tokens:
        raise RecipeError(tr("The signature formula is empty."))
    root = parser.expression()
    leftover = parser.peek()
    if leftover is not None:
        raise RecipeError(tr("The signature formula has an unexpected {token}.", token=leftover[1]))
    return Recipe(source, root)

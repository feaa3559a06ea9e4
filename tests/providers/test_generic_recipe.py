"""Signature formulas for generic gateways."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from smsdesk.providers.generic_recipe import RecipeError, compile_recipe, vonage_canonical


def test_vonage_md5_vector() -> None:
    params = {"a": "1", "b": "2", "timestamp": "1461605396"}
    assert vonage_canonical(params) == "&a=1&b=2&timestamp=1461605396"
    recipe = compile_recipe("md5(sorted_params + secret)")
    values = {**params, "sorted_params": vonage_canonical(params), "secret": "secret"}
    assert recipe.evaluate(values) == "6af838ef94998832dbfc29020b564830"


def test_vonage_canonical_replaces_separators_inside_values() -> None:
    assert vonage_canonical({"text": "a&b=c", "to": "1"}) == "&text=a_b_c&to=1"


def test_concatenated_fields_md5() -> None:
    recipe = compile_recipe("md5(account+password+mobile+content+timestamp)")
    values = {
        "account": "shop",
        "password": "pw",
        "mobile": "13800138000",
        "content": "你好",
        "timestamp": "1700000000",
    }
    expected = hashlib.md5("shoppw13800138000你好1700000000".encode()).hexdigest()
    assert recipe.evaluate(values) == expected
    assert recipe.variables() == {"account", "password", "mobile", "content", "timestamp"}


def test_literals_nesting_and_hmac() -> None:
    recipe = compile_recipe("upper(sha256('k=' + key + \"&\")) + hmac_sha256(secret, body)")
    values = {"key": "v", "secret": "s", "body": "b"}
    expected = (
        hashlib.sha256(b"k=v&").hexdigest().upper()
        + hmac.new(b"s", b"b", hashlib.sha256).hexdigest()
    )
    assert recipe.evaluate(values) == expected


@pytest.mark.parametrize(
    "source",
    [
        "",
        "md5(",
        "md5(a",
        "md5(a b)",
        "nosuch(a)",
        "md5(a, b)",
        "hmac_md5(a)",
        "a +",
        "a $ b",
        "'open",
    ],
)
def test_malformed_formulas_are_refused(source: str) -> None:
    with pytest.raises(RecipeError):
        compile_recipe(source)


def test_a_missing_value_is_named() -> None:
    with pytest.raises(RecipeError, match="mobile"):
        compile_recipe("md5(mobile)").evaluate({})


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        (
            "sha256('appkey=' + secret + '&random=' + random + '&time=' + time)",
            "c13e54f047ed75e821e698730c72d030dc30e5b510b3f8a0fb6fb7605283d7df",
        ),
        (
            "sha256('appkey=' + secret + '&random=' + random + '&time=' + time + '&mobile=' + mobile)",
            "ecab4881ee80ad3d76bb1da68387428ca752eb885e52621a3129dcf4d9bc4fd4",
        ),
    ],
)
def test_tencent_legacy_v5_vectors_as_formulas(formula: str, expected: str) -> None:
    values = {
        "secret": "5f03a35d00ee52a21327ab048186a2c4",
        "random": "7226249334",
        "time": "1457336869",
        "mobile": "13788888888",
    }
    assert compile_recipe(formula).evaluate(values) == expected

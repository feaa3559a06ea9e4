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
    expected = hashlib.sha256(b"k=v&").hexdigest().upper() + hmac.new(
        b"s", b"b", hashlib.sha256
    ).hexdigest()
    assert recipe.evaluate(values) == expected


@pytest.mark.parametrize(
    "source",
    ["", "md5(", "md5(a", "md5(a b)", "nosuch(a)", "md5(a, b)", "hmac_md5(a)", "a +", "a $ b", "'open"],
)
def test_malformed_formulas_are_refused(source: str) -> None:
    with pytest.raises(RecipeError):
        compile_recipe(source)


def test_a_missing_value_is_named() -> None:
    with pytest.raises(RecipeError, match="mobile"):
        compile_recipe("md5(mobile)").evaluate({})

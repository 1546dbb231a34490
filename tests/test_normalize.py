"""Normalisers against the shapes exports really have, plus properties over any input."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkin import normalize as norm
from checkin.tokens import InvalidPayload, plain_code


@pytest.mark.parametrize("raw, expected", [
    ("138 0013 8000", "13800138000"), ("+86 13800138000", "13800138000"),
    ("+86-138-0013-8000", "13800138000"), ("0086 13800138000", "13800138000"),
    (13800138000, "13800138000"), (13800138000.0, "13800138000"), ("１３８００１３８０００", "13800138000"),
    ("", None), (None, None),
])
def test_phone_shapes(raw, expected):
    assert norm.phone(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["010-65528888", "12345", "23800138000", "138001380001"])
def test_phone_that_is_not_a_mobile_is_reported(raw):
    value, problem = norm.phone(raw)
    assert value is None and "11-digit" in problem


@pytest.mark.parametrize("raw, expected", [
    ("程 琤", "程琤"), ("张\u3000丽", "张丽"), ("  朱思佳 ", "朱思佳"), ("山田 太郎", "山田 太郎"),
    ("Hans  Müller", "Hans Müller"), ("阿依古丽·买买提", "阿依古丽·买买提"), ("罗 䶮", "罗䶮"),
    ("余 𬱖", "余𬱖"), ("A B", "A B"),
])
def test_names(raw, expected):
    assert norm.name(raw)[0] == expected


def test_lists_keep_order_and_drop_repeats():
    assert norm.items("6月26日午餐、6月27日午餐；6月26日午餐") == ["6月26日午餐", "6月27日午餐"]
    assert norm.items("AI; Data ,  Cloud") == ["AI", "Data", "Cloud"]
    assert norm.items(None) == []


PHONE_SHAPES = [
    lambda n: n, lambda n: f"+86 {n}", lambda n: f"+86-{n}", lambda n: f" {n[:3]} {n[3:7]} {n[7:]} ",
    lambda n: f"{n[:3]}-{n[3:7]}-{n[7:]}", lambda n: int(n), lambda n: float(n),
]


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(PHONE_SHAPES))
def test_any_mobile_in_any_common_shape_comes_back_the_same(number, shape):
    assert norm.phone(shape(number)) == (number, None)


@given(st.text(max_size=200))
def test_normalisers_never_crash(raw):
    for fn in (norm.phone, norm.email, norm.name, norm.code, norm.payment, norm.amount,
               norm.category, norm.gender):
        value, problem = fn(raw)
        assert problem is None or isinstance(problem, str)
    assert isinstance(norm.items(raw), list)


@given(st.text(max_size=3000))
def test_payload_parser_returns_a_code_or_a_reason(raw):
    try:
        code = plain_code(raw)
    except InvalidPayload as exc:
        assert exc.reason_code in ("empty", "too_long", "not_a_code")
    else:
        assert 0 < len(code) <= 64 and code.isprintable() and " " not in code


@given(st.text(alphabet=string.ascii_uppercase + string.digits + "-", min_size=1, max_size=40)
       .filter(lambda s: s[0].isalnum()))
def test_plain_codes_pass_through_unchanged(code):
    assert plain_code(code + "\r\n") == code

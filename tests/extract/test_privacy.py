"""Personal data: valid ID numbers, mobile and card numbers are found and only ever shown masked."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from monitor.extract.privacy import find_personal_data, mask, mask_text

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check_digit(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


VALID = with_check_digit("43010219850612003")
INVALID = VALID[:-1] + ("1" if VALID[-1] != "1" else "2")


def test_a_valid_id_number_is_found_and_masked() -> None:
    [hit] = find_personal_data(f"救助对象公示：张某某，身份证号 {VALID}，金额 1200 元")
    assert hit.kind == "id_number"
    assert hit.masked == VALID[:4] + "*" * 10 + VALID[-4:]
    assert VALID not in hit.context and hit.masked in hit.context


def test_what_is_not_personal_data() -> None:
    text = (
        f"编号 {INVALID}；网站标识码 4300000001；赵某某 4301**********1234；电话 139****5678；"
        "联系电话：13807310000；文号 湘政发〔2026〕3号；索引号 430000/2026-00012；"
    )
    assert find_personal_data(text) == []


def test_mobile_and_card_numbers() -> None:
    card = "6222020200112233440"
    card = card[:-1] + str(next(d for d in range(10) if luhn.is_valid(card[:-1] + str(d))))
    hits = find_personal_data(f"王某某 13975112468 长沙；收款卡号 {card}")
    assert [(h.kind, h.masked) for h in hits] == [
        ("mobile", "139****2468"),
        ("bank_card", mask("bank_card", card)),
    ]


def test_context_never_carries_a_whole_number() -> None:
    text = f"{VALID}{VALID[:9]} 13975112468 王某 13975112469"
    for hit in find_personal_data(text):
        assert "13975112469" not in hit.context and VALID not in hit.context


@settings(max_examples=300, deadline=None)
@given(
    st.dates(
        min_value=__import__("datetime").date(1920, 1, 1), max_value=__import__("datetime").date(2020, 12, 31)
    ),
    st.integers(min_value=0, max_value=999),
    st.text(alphabet="。，、公示姓名 abc", max_size=20),
)
def test_every_valid_id_is_found_and_masked_away(birth, serial, around) -> None:  # type: ignore[no-untyped-def]
    number = with_check_digit(f"430102{birth:%Y%m%d}{serial:03d}")
    assume(ric.is_valid(number))  # stdnum also checks the region code existed in the birth year
    text = f"{around}{number}{around}"
    assert [h.kind for h in find_personal_data(text)] == ["id_number"]
    assert number not in mask_text(text)

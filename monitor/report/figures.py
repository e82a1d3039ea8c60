"""How the 通报 prints its figures: percentages to two decimals rounded half up, a bare ``0`` for none.

Integer arithmetic throughout, so 1.2658 % is 1.27 % (the province's own table prints 1.26 % for
岳阳市's 2 of 158 accounts: truncated, not rounded) and no float ever rounds 0.125 down.
"""

from __future__ import annotations


def hundredths_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` as a percentage in hundredths of a percent, rounded half up."""
    return (numerator * 20000 + denominator) // (2 * denominator)


def percent_text(hundredths: int) -> str:
    """``217`` → ``2.17%``; ``10000`` → ``100%`` (as the 通报 prints a whole rate)."""
    whole, cents = divmod(hundredths, 100)
    return f"{whole}%" if cents == 0 and whole == 100 else f"{whole}.{cents:02d}%"


def ratio_text(problems: int, checked: int) -> str:
    """The 占检查数比例 cell: ``2.17%``, or a bare ``0`` when no target had a problem (or none was checked)."""
    if problems == 0 or checked == 0:
        return "0"
    return percent_text(hundredths_half_up(problems, checked))


def ratio_value(problems: int, checked: int) -> float:
    """The same ratio as a fraction for spreadsheets (``0.0217``), already rounded like ``ratio_text``."""
    if problems == 0 or checked == 0:
        return 0.0
    return hundredths_half_up(problems, checked) / 10000


def pass_rate_text(problems: int, checked: int) -> str:
    """总体合格率 = 1 − problems / checked (99.84% for 1 in 617); ``—`` when nothing was checked."""
    if checked == 0:
        return "—"
    return percent_text(hundredths_half_up(checked - problems, checked))

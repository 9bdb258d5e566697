"""Timestamps as the dumps write them, into seconds since the epoch (UTC)."""
from __future__ import annotations

from datetime import date

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_SECONDS: dict[str, int] = {}


def parse_timestamp(text: str) -> int:
    """Seconds since the epoch for a dump timestamp `YYYY-MM-DDTHH:MM:SSZ`."""
    if len(text) != 20 or text[10] != "T" or text[19] != "Z" or text[13] != ":" or text[16] != ":":
        raise ValueError(f"not a dump timestamp: {text!r}")
    day = text[:10]
    seconds = _DAY_SECONDS.get(day)
    if seconds is None:
        seconds = (date.fromisoformat(day).toordinal() - _EPOCH_ORDINAL) * 86400
        if len(_DAY_SECONDS) < 100_000:
            _DAY_SECONDS[day] = seconds
    clock = text[11:13] + text[14:16] + text[17:19]
    if not (clock.isascii() and clock.isdigit()):  # int() would take " 1", "+1" and "-1"
        raise ValueError(f"not a dump timestamp: {text!r}")
    hour, minute, second = int(clock[:2]), int(clock[2:4]), int(clock[4:])
    if hour > 23 or minute > 59 or second > 60:
        raise ValueError(f"not a dump timestamp: {text!r}")
    return seconds + hour * 3600 + minute * 60 + second

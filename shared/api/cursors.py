"""History cursors: where a page starts, as an opaque URL-safe token.

A position is the row key after which the page starts (None: the newest job), how many
executions the pages before it showed, and where the last few pages before it started,
so `previous` needs no backward read (Table storage reads forward only). Walking back
more than `BACK_PAGES` pages from a deep page ends on the first page.
A cursor only steers the read inside the caller's own partition: a forged one can skip
or repeat rows of the caller's own history, never reach another tenant's.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from shared.errors import BadRequestError

__all__ = ["BACK_PAGES", "Position", "decode", "encode"]

BACK_PAGES = 20


@dataclass(frozen=True)
class Position:
    after: str | None = None
    shown: int = 0
    back: tuple[tuple[str | None, int], ...] = field(default=())
    """(after, shown) of the pages before this one, nearest last."""

    def following(self, last_row_key: str, count: int) -> Position:
        back = (*self.back, (self.after, self.shown))[-BACK_PAGES:]
        return Position(last_row_key, self.shown + count, back)

    def preceding(self) -> Position | None:
        if self.after is None and not self.shown:
            return None  # the first page
        if not self.back:
            return Position()
        after, shown = self.back[-1]
        return Position(after, shown, self.back[:-1])


def encode(position: Position) -> str:
    raw = json.dumps([position.after, position.shown, position.back], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str | None) -> Position:
    if not token:
        return Position()
    try:
        after, shown, back = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        position = Position(
            after if isinstance(after, str) else None,
            int(shown),
            tuple((a if isinstance(a, str) else None, int(n)) for a, n in back),
        )
    except (ValueError, TypeError, binascii.Error):
        raise BadRequestError("cursor is not one this API gave out", code="invalid_query") from None
    if position.shown < 0 or (position.after is not None and len(position.after) > 100):
        raise BadRequestError("cursor is not one this API gave out", code="invalid_query")
    return position

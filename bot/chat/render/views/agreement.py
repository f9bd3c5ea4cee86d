"""One agreement on its own (a timeline's button opens it): its type, status, date, parties, and its quotes."""

from __future__ import annotations

from collections.abc import Mapping

from bot.chat.render.fragments import NO_NAMES, agreement_block
from bot.chat.render.pager import Screen, Share, paginate
from bot.models import Agreement


def agreement(item: Agreement, sector_names: Mapping[str, str] = NO_NAMES) -> Screen:
    return Screen(paginate("", [agreement_block(item, sector_names=sector_names)]), view="g", arg=item.key,
                  share=Share(None, item.title[:200]))

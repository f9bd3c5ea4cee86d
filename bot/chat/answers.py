"""Which bot message answered which question, so that an edited question edits its answer.

Telegram tells the bot that a message was edited, not which message answered it; this remembers the answers of
the latest questions, in memory and bounded (an answer older than that, or from before a restart, gets a new
message instead). Several replicas each remember their own: an edit another replica answered gets a new one.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

REMEMBERED = 4096  # questions whose answer is remembered; ~100 bytes each


@dataclass(frozen=True)
class Answer:
    message_id: int
    kind: Literal["text", "photo"]


class AnswerMemory:
    """(chat id, question message id) → the answer, the newest REMEMBERED of them."""

    def __init__(self, most: int = REMEMBERED) -> None:
        self.most = most
        self._answers: OrderedDict[tuple[int, int], Answer] = OrderedDict()

    def remember(self, chat_id: int, question_id: int, answer: Answer) -> None:
        key = (chat_id, question_id)
        self._answers[key] = answer
        self._answers.move_to_end(key)
        while len(self._answers) > self.most:
            self._answers.popitem(last=False)

    def answer_to(self, chat_id: int, question_id: int) -> Answer | None:
        return self._answers.get((chat_id, question_id))

    def __len__(self) -> int:
        return len(self._answers)

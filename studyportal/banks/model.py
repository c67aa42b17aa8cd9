"""A question bank and its questions: plain dataclasses, answers kept as option positions."""

from __future__ import annotations

from dataclasses import dataclass, field

# What a question may be, and its name on pages and papers.
QUESTION_TYPES: dict[str, str] = {"single": "单选题", "multiple": "多选题", "judge": "判断题"}
LETTERS = "ABCDEFGH"  # a choice question has at most this many options
JUDGE_OPTIONS = ("正确", "错误")


@dataclass(frozen=True)
class Question:
    """One question: choice questions have their options, a true/false question has :data:`JUDGE_OPTIONS`.

    ``answer`` holds the positions (from 0) of the right options, in order; ``bank`` is the slug of its bank,
    so ``key`` is unique across the portal (a page id, and the name a browser keeps the answer under).
    """

    bank: str
    id: str
    type: str
    stem: str
    options: tuple[str, ...]
    answer: tuple[int, ...]
    explanation: str = ""
    audiences: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    line: int = 1

    @property
    def key(self) -> str:
        return f"{self.bank}--{self.id}"

    @property
    def type_name(self) -> str:
        return QUESTION_TYPES[self.type]

    def letters(self) -> str:
        """The answer as letters (``AC``); a true/false question's too (``A`` is 正确)."""
        return "".join(LETTERS[i] for i in self.answer)

    def answer_text(self) -> str:
        """The answer as a reader writes it: ``C``, ``A、C``, or 正确 / 错误 for a true/false question."""
        if self.type == "judge":
            return self.options[self.answer[0]]
        return "、".join(LETTERS[i] for i in self.answer)

    def for_audience(self, audience: str) -> bool:
        """Whether the question is meant for ``audience`` (a question without audiences is for everyone)."""
        return not self.audiences or audience in self.audiences


@dataclass
class Bank:
    """One bank file: its URL-style name (from the file name), title and questions in file order."""

    source: str
    slug: str
    title: str
    questions: list[Question] = field(default_factory=list)

"""The survey page as the participant sees it: one instrument, its items in their language."""

from dataclasses import dataclass

from botp.instruments import text_in
from evaluation.survey import shown

__all__ = ["Question", "page_questions", "text_in"]


@dataclass
class Question:
    id: str
    kind: str
    text: str
    help: str
    required: bool
    value: str
    error: str
    options: list  # [(value, label)] for a choice
    unit: str
    minimum: object
    maximum: object
    show_if: dict | None
    hidden: bool


def page_questions(instrument, language, answers, errors=None, items=None):
    """The questions of ``instrument`` (``items`` of it, all by default) with what is answered
    (``answers``: {item: value})."""
    definition = instrument.definition
    scales = {scale["id"]: scale for scale in definition.get("scales", [])}
    errors = errors or {}
    questions = []
    for item in definition["items"] if items is None else items:
        options = []
        if item["type"] == "choice":
            options = [(str(option["value"]), text_in(option["label"], language))
                       for option in scales[item["scale"]]["options"]]
        questions.append(Question(
            id=item["id"], kind=item["type"], text=text_in(item["text"], language),
            help=text_in(item.get("help", {}), language) if item.get("help") else "",
            required=bool(item.get("required")), value=str(answers.get(item["id"], "")),
            error=errors.get(item["id"], ""), options=options,
            unit=text_in(item.get("unit", {}), language) if item.get("unit") else "",
            minimum=item.get("min"), maximum=item.get("max"), show_if=item.get("show_if"),
            hidden=not shown(item, answers),
        ))
    return questions

"""What Fedris reads of a campaign: the response rate at any time; the answers only in
aggregate, once the campaign is closed (a figure that changes with each answer would tell the
last one), and only with at least ``min_group()`` responses. Free text is listed without
names, in alphabetical order, not in the order it came."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q

from evaluation.campaigns.models import Audience, CampaignAnswer
from evaluation.disclosure import min_group
from evaluation.forms import text_in


@dataclass
class Rate:
    label: str
    invited: int
    responded: int

    @property
    def percent(self):
        return round(100 * self.responded / self.invited) if self.invited else 0


def rates(campaign):
    rows = (campaign.recipients.values("audience")
            .annotate(invited=Count("pk"), responded=Count("pk", filter=Q(responded=True)))
            .order_by("audience"))
    found = [Rate(Audience(r["audience"]).label, r["invited"], r["responded"]) for r in rows]
    total = Rate("", sum(r.invited for r in found), sum(r.responded for r in found))
    return total, found


@dataclass
class ItemResult:
    text: str
    kind: str
    answered: int
    options: list  # [(label, count, percent)] for a choice
    mean: object
    texts: list  # free text, for a text item


def aggregates(campaign, language):
    """The answers per item, or None while they cannot be shown (open, or too few)."""
    responses = campaign.responses.count()
    if not campaign.is_closed or responses < min_group():
        return None
    definition = campaign.questionnaire.definition
    scales = {s["id"]: s for s in definition["scales"]}
    answers = CampaignAnswer.objects.filter(response__campaign=campaign)
    by_item = {}
    for item, value in answers.values_list("item", "value"):
        by_item.setdefault(item, []).append(value)
    results = []
    for item in definition["items"]:
        given = by_item.get(item["id"], [])
        if item["type"] == "choice":
            counts = Counter(given)
            options = [(text_in(o["label"], language), counts.get(str(o["value"]), 0),
                        round(100 * counts.get(str(o["value"]), 0) / len(given)) if given else 0)
                       for o in scales[item["scale"]]["options"]]
            numbers = [int(v) for v in given if v.lstrip("-").isdigit()]
            mean = round(sum(numbers) / len(numbers), 2) if numbers else None
            results.append(ItemResult(text_in(item["text"], language), "choice", len(given),
                                      options, mean, []))
        else:
            results.append(ItemResult(text_in(item["text"], language), "text", len(given), [],
                                      None, sorted(given, key=str.casefold)))
    return results

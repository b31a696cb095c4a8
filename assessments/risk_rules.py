"""The risk rules of spec/scoring.md ("Highlights"), each declared once.

A rule is one `RiskRule`: its code, its thresholds, the model codes its texts name,
its title, the reason shown with each risk it finds, the sentence the report's method
chapter explains it with, and the function that finds its risks in a result. Scoring
(`scoring.highlights`) runs the rules in the order of `RULES`; the presentation layer words
titles, reasons and method sentences from the same declaration; an unknown rule raises
`UnknownRule` instead of falling through to another rule's sentence.

Adding a rule is adding one declaration to `RULES` (and its test). The texts are
%-format templates; their placeholders are the rule's thresholds and named codes (as
display values) and, in a reason, the figures the rule put into `Risk.values`.

Nothing here touches the database, a request or a template.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

# Scores are means of integers, so values a rule compares against a threshold
# (1.5, 2.0, 3.0) may be off by a rounding error of the last bit; the same tolerance as
# stage(s) = floor(s + 1e-9).
EPSILON = 1e-9

DIVIDED_PICTURE = "divided_picture"
NO_AGREEMENT = "no_agreement"
SAFEGUARDS_LAG = "safeguards_lag"
AMBITION_WITHOUT_BASE = "ambition_without_base"


@dataclass(kw_only=True)
class Risk:
    rule: str
    factor: str | None = None
    track: str | None = None
    # The figures the reason quotes, e.g. {"layer_gap": 1.8, "low_layer": "uitvoering", ...}.
    values: dict = field(default_factory=dict)


class UnknownRule(KeyError):
    """A risk names a rule that is not declared (e.g. kept results of a removed rule)."""


@dataclass(frozen=True, kw_only=True)
class RiskRule:
    code: str
    thresholds: dict[str, float]
    title: Promise
    reason: Promise  # placeholders: thresholds, named codes and the risk's values
    method: Promise  # placeholders: thresholds and named codes
    find: Callable  # find(result, rule) -> list[Risk]
    codes: dict[str, str] = field(default_factory=dict)  # placeholder -> model code


def _divided_picture(result, rule):
    threshold = rule.thresholds["threshold"]
    return [
        Risk(
            rule=rule.code,
            factor=factor.code,
            values={"layer_gap": factor.layer_gap, **_extreme_layers(result, factor)},
        )
        for factor in result.factors.values()
        if factor.layer_gap is not None and factor.layer_gap >= threshold - EPSILON
    ]


def _extreme_layers(result, factor):
    """The shown groups with the lowest and the highest score (first in layer order)."""
    scored = [
        (group.code, group.factors[factor.code].current)
        for group in result.groups
        if group.shown and group.factors[factor.code].current is not None
    ]
    low = min(scored, key=lambda item: item[1])
    high = max(scored, key=lambda item: item[1])
    return {"low_layer": low[0], "low": low[1], "high_layer": high[0], "high": high[1]}


def _no_agreement(result, rule):
    threshold = rule.thresholds["threshold"]
    return [
        Risk(rule=rule.code, factor=factor.code, values={"spread": factor.spread})
        for factor in result.factors.values()
        if factor.spread is not None and factor.spread >= threshold - EPSILON
    ]


def _safeguards_lag(result, rule):
    safeguards = result.tracks.get(rule.codes["track"])
    use = result.factors.get(rule.codes["use"])
    if (
        safeguards is None
        or use is None
        or safeguards.current is None
        or use.current is None
        or safeguards.current >= rule.thresholds["below"] - EPSILON
        or use.current < rule.thresholds["at_least"] - EPSILON
    ):
        return []
    return [
        Risk(
            rule=rule.code,
            track=rule.codes["track"],
            values={"track_score": safeguards.current, "use_score": use.current},
        )
    ]


def _ambition_without_base(result, rule):
    threshold = rule.thresholds["threshold"]
    return [
        Risk(
            rule=rule.code,
            factor=factor.code,
            values={"gap": factor.gap, "current": factor.current, "desired": factor.desired},
        )
        for factor in result.factors.values()
        if factor.gap is not None and factor.gap >= threshold - EPSILON
    ]


# In rule order: risks are listed by rule, then by factor.
RULES = (
    RiskRule(
        code=DIVIDED_PICTURE,
        thresholds={"threshold": 1.5},
        title=gettext_lazy("Verdeeld beeld"),
        reason=gettext_lazy(
            "Verdeeld beeld: de lagen zien dit heel verschillend. %(high_layer)s geeft "
            "%(high)s, %(low_layer)s geeft %(low)s (verschil %(layer_gap)s; een verschil "
            "van %(threshold)s of meer is een risico)."
        ),
        method=gettext_lazy(
            "De hoogste en de laagste groep liggen %(threshold)s of meer uit elkaar "
            "op een sleutelfactor."
        ),
        find=_divided_picture,
    ),
    RiskRule(
        code=NO_AGREEMENT,
        thresholds={"threshold": 1.5},
        title=gettext_lazy("Geen overeenstemming"),
        reason=gettext_lazy(
            "Geen overeenstemming: de antwoorden lopen sterk uiteen (spreiding %(spread)s; "
            "%(threshold)s of meer is een risico)."
        ),
        method=gettext_lazy(
            "De spreiding van de antwoorden op een sleutelfactor is %(threshold)s of meer."
        ),
        find=_no_agreement,
    ),
    RiskRule(
        code=SAFEGUARDS_LAG,
        thresholds={"below": 2.0, "at_least": 3.0},
        codes={"track": "PEB", "use": "IT3"},
        title=gettext_lazy("Waarborgen blijven achter bij gebruik"),
        reason=gettext_lazy(
            "Waarborgen blijven achter bij gebruik: privacy, ethiek en beveiliging scoren "
            "%(track_score)s (lager dan %(below)s), terwijl %(use)s al %(use_score)s scoort "
            "(%(at_least)s of meer)."
        ),
        method=gettext_lazy(
            "Het spoor %(track)s scoort lager dan %(below)s, terwijl %(use)s "
            "%(at_least)s of meer scoort."
        ),
        find=_safeguards_lag,
    ),
    RiskRule(
        code=AMBITION_WITHOUT_BASE,
        thresholds={"threshold": 3.0},
        title=gettext_lazy("Ambitie zonder basis"),
        reason=gettext_lazy(
            "Ambitie zonder basis: de gewenste situatie (%(desired)s) ligt %(gap)s hoger "
            "dan de huidige (%(current)s); een sprong van %(threshold)s of meer is een risico."
        ),
        method=gettext_lazy("De gewenste score ligt %(threshold)s of meer boven de huidige."),
        find=_ambition_without_base,
    ),
)

_BY_CODE = {rule.code: rule for rule in RULES}


def rule(code):
    """The declared rule of this code; `UnknownRule` if there is none."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownRule(code) from None


def find_risks(result):
    """Every risk that holds, in rule order, then factor order."""
    return [risk for declared in RULES for risk in declared.find(result, declared)]

"""Each risk rule is declared once (assessments/risk_rules.py) and read everywhere:
scoring finds its risks, the presentation words its title, reason and method sentence."""

import dataclasses

import pytest
from django.utils import translation

from assessments import risk_rules
from assessments.presentation import display, risk_method, risk_reason, risk_title
from assessments.risk_rules import RULES, Risk, UnknownRule

from .test_scoring import rules, score

# One result in which every declared rule holds (a new rule adds its case here).
EVERY_RULE = [
    ("directie", {"LC2.1": (0, 0), "LC1.1": (0, 5), "PEB1.1": (1, 1), "IT3.1": (3, 3)}),
    ("management", {"LC2.1": (5, 5)}),
]


def test_every_declared_rule_has_a_code_thresholds_a_title_and_texts():
    assert len({rule.code for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.thresholds, rule.code
        assert str(rule.title).strip(), rule.code
        method = risk_method(rule, {})
        assert "%(" not in method
        for value in rule.thresholds.values():
            assert display(value) in method, (rule.code, method)


def test_scoring_runs_every_declared_rule(monkeypatch):
    called = []

    def spy(declared):
        def find(result, rule):
            called.append(rule.code)
            return declared.find(result, rule)

        return dataclasses.replace(declared, find=find)

    monkeypatch.setattr(risk_rules, "RULES", tuple(spy(rule) for rule in RULES))
    score(EVERY_RULE)
    assert called == [rule.code for rule in RULES]


def test_every_declared_rule_finds_a_risk_whose_reason_quotes_its_thresholds():
    result = score(EVERY_RULE)
    found = {rule for rule, _factor in rules(result)}
    assert found == {rule.code for rule in RULES}
    names = {"IT3": "Gebruik van data", "directie": "Directie", "management": "Management"}
    for risk in result.highlights.risks:
        declared = risk_rules.rule(risk.rule)
        reason = risk_reason(risk, names)
        assert "%(" not in reason
        assert reason.startswith(risk_title(risk.rule))
        for value in declared.thresholds.values():
            assert display(value) in reason, (risk.rule, reason)
    divided = next(r for r in result.highlights.risks if r.rule == risk_rules.DIVIDED_PICTURE)
    assert "Management geeft 5,0, Directie geeft 0,0 (verschil 5,0" in risk_reason(divided, names)
    lag = next(r for r in result.highlights.risks if r.rule == risk_rules.SAFEGUARDS_LAG)
    assert "terwijl Gebruik van data al 3,0 scoort" in risk_reason(lag, names)


def test_an_unknown_rule_raises_instead_of_borrowing_another_rules_sentence():
    stray = Risk(rule="removed_rule", factor="LC1", values={"gap": 3.0})
    with pytest.raises(UnknownRule):
        risk_reason(stray, {})
    with pytest.raises(UnknownRule):
        risk_title("removed_rule")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_reason_starts_with_its_rules_title_in_each_language(language):
    result = score(EVERY_RULE)
    with translation.override(language):
        for risk in result.highlights.risks:
            reason = risk_reason(risk, {})
            assert reason.startswith(risk_title(risk.rule) + ":"), (language, reason)
            assert "%(" not in reason


@pytest.mark.parametrize("language", ["nl", "en"])
def test_shown_under_its_title_a_reason_does_not_repeat_it(language):
    from assessments.presentation import risk_rows

    result = score(EVERY_RULE)
    with translation.override(language):
        rows = risk_rows(result.highlights.risks, {}, {})
        assert {row["rule"] for row in rows} == {rule.code for rule in RULES}
        for row, risk in zip(rows, result.highlights.risks, strict=True):
            whole = risk_reason(risk, {})
            assert whole.startswith(row["title"] + ":")  # the export keeps it whole
            assert not row["reason"].startswith(row["title"]), row
            assert row["reason"][:1].isupper()
            assert whole.endswith(row["reason"][1:])

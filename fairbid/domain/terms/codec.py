"""The terms as canonical JSON values and back: what is stored, pinned (its SM3) and published.

Decimals travel as strings, enums as their values, every collection in its stated order; ``terms_from_json``
is strict (an unknown or missing key is an error), so stored terms are exactly what was pinned.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from fairbid.domain.errors import InvalidInput
from fairbid.domain.evaluation.model import Aggregation
from fairbid.domain.evaluation.price import BenchmarkTrim, KMode
from fairbid.domain.evaluation.ranking import EvaluationMethod, TieBreak
from fairbid.domain.terms.model import (
    Band,
    CertificateTest,
    CommitteeComposition,
    CreditGradeTest,
    DeviationRule,
    DurationTest,
    GradePoints,
    ObjectiveItem,
    ObjectiveTest,
    PriceRule,
    Qualification,
    ScoringTable,
    SecurityTerms,
    SimilarContracts,
    SimilarContractsTest,
    StaffCountTest,
    SubjectiveItem,
    TenderTerms,
    TestKind,
)

__all__ = ["TERMS_FORMAT", "terms_from_json", "terms_to_json"]

TERMS_FORMAT = "fairbid-terms/1"


def _d(value: Decimal) -> str:
    return str(value)


def _grades(grades: tuple[GradePoints, ...]) -> list[list[str]]:
    return [[g.grade, _d(g.points)] for g in grades]


def _test(test: ObjectiveTest) -> dict[str, Any]:
    match test:
        case CertificateTest():
            return {"kind": test.kind.value, "grades": _grades(test.grades)}
        case SimilarContractsTest():
            return {
                "kind": test.kind.value,
                "min_amount": _d(test.min_amount),
                "within_years": test.within_years,
                "points_each": _d(test.points_each),
            }
        case CreditGradeTest():
            return {"kind": test.kind.value, "grades": _grades(test.grades)}
        case DurationTest():
            return {"kind": test.kind.value, "step_days": test.step_days, "points_per_step": _d(test.points_per_step)}
        case StaffCountTest():
            return {"kind": test.kind.value, "role": test.role, "count": test.count}


def _price(p: PriceRule) -> dict[str, Any]:
    return {
        "full_score": _d(p.full_score),
        "k_mode": p.k_mode.value,
        "k_values": [_d(k) for k in p.k_values],
        "above_per_point": _d(p.above_per_point),
        "below_per_point": _d(p.below_per_point),
        "floor": _d(p.floor),
        "trims": [[t.min_bids, t.drop_high, t.drop_low] for t in p.trims],
        "exclude_beyond": None if p.exclude_beyond is None else _d(p.exclude_beyond),
    }


def _scoring(s: ScoringTable) -> dict[str, Any]:
    return {
        "price": _price(s.price),
        "objective": [
            {"item_id": i.item_id, "name": i.name, "max_score": _d(i.max_score), "test": _test(i.test)}
            for i in s.objective
        ],
        "subjective": [
            {
                "item_id": i.item_id,
                "name": i.name,
                "max_score": _d(i.max_score),
                "min_score": _d(i.min_score),
                "bands": [[b.label, _d(b.low), _d(b.high)] for b in i.bands],
            }
            for i in s.subjective
        ],
        "total": _d(s.total),
        "deviation_threshold": _d(s.deviation_threshold),
        "aggregation": s.aggregation.value,
        "trim_from": s.trim_from,
    }


def terms_to_json(terms: TenderTerms) -> dict[str, Any]:
    """The terms as plain JSON values, in a fixed shape (its canonical JSON is what publication pins)."""
    q = terms.qualification
    return {
        "format": TERMS_FORMAT,
        "method": terms.method.value,
        "scoring": None if terms.scoring is None else _scoring(terms.scoring),
        "deviations": [[d.deviation_id, d.description, _d(d.share_of_price)] for d in terms.deviations],
        "tie_breaks": [t.value for t in terms.tie_breaks],
        "committee": {
            "size": terms.committee.size,
            "experts": [[s, n] for s, n in terms.committee.experts],
            "representatives": terms.committee.representatives,
        },
        "security": {
            "amount": _d(terms.security.amount),
            "forms": list(terms.security.forms),
            "validity_days": terms.security.validity_days,
        },
        "bid_validity_days": terms.bid_validity_days,
        "qualification": {
            "max_duration_days": q.max_duration_days,
            "quality": sorted(q.quality),
            "certificates": sorted(q.certificates),
            "staff": sorted(q.staff),
            "pm_grades": sorted(q.pm_grades),
            "similar_contracts": None
            if q.similar_contracts is None
            else {
                "count": q.similar_contracts.count,
                "min_amount": _d(q.similar_contracts.min_amount),
                "within_years": q.similar_contracts.within_years,
            },
        },
    }


class _Reader:
    """Strict reading of one JSON object: every key used exactly, errors name the path."""

    def __init__(self, value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            raise InvalidInput(f"The terms are malformed: {path} is not an object.", field=path)
        self.value, self.path, self.used = value, path, set[str]()

    def get(self, key: str) -> Any:
        if key not in self.value:
            raise InvalidInput(f"The terms are malformed: {self.path}.{key} is missing.", field=f"{self.path}.{key}")
        self.used.add(key)
        return self.value[key]

    def decimal(self, key: str) -> Decimal:
        return _decimal(self.get(key), f"{self.path}.{key}")

    def integer(self, key: str) -> int:
        value = self.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidInput(f"The terms are malformed: {self.path}.{key} is not an integer.", field=key)
        return value

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise InvalidInput(f"The terms are malformed: {self.path}.{key} is not a text.", field=key)
        return value

    def done(self) -> None:
        extra = set(self.value) - self.used
        if extra:
            raise InvalidInput(
                f"The terms are malformed: unknown keys {sorted(extra)} in {self.path}.", field=self.path
            )


def _decimal(value: Any, path: str) -> Decimal:
    try:
        if not isinstance(value, str):
            raise InvalidOperation
        number = Decimal(value)
        if not number.is_finite():
            raise InvalidOperation
        return number
    except InvalidOperation:
        raise InvalidInput(f"The terms are malformed: {path} is not a decimal string.", field=path) from None


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput(f"The terms are malformed: {path} is not a list.", field=path)
    return value


def _grades_from(value: Any, path: str) -> tuple[GradePoints, ...]:
    out = []
    for n, pair in enumerate(_list(value, path)):
        if not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], str):
            raise InvalidInput(f"The terms are malformed: {path}.{n} is not [grade, points].", field=path)
        out.append(GradePoints(pair[0], _decimal(pair[1], f"{path}.{n}")))
    return tuple(out)


def _test_from(value: Any, path: str) -> ObjectiveTest:
    r = _Reader(value, path)
    try:
        kind = TestKind(r.text("kind"))
    except ValueError:
        raise InvalidInput(f"The terms are malformed: {path}.kind is unknown.", field=path) from None
    test: ObjectiveTest
    match kind:
        case TestKind.CERTIFICATE:
            test = CertificateTest(_grades_from(r.get("grades"), f"{path}.grades"))
        case TestKind.SIMILAR_CONTRACTS:
            test = SimilarContractsTest(r.decimal("min_amount"), r.integer("within_years"), r.decimal("points_each"))
        case TestKind.CREDIT_GRADE:
            test = CreditGradeTest(_grades_from(r.get("grades"), f"{path}.grades"))
        case TestKind.DURATION:
            test = DurationTest(r.integer("step_days"), r.decimal("points_per_step"))
        case TestKind.STAFF_COUNT:
            test = StaffCountTest(r.text("role"), r.integer("count"))
    r.done()
    return test


def _price_from(value: Any, path: str) -> PriceRule:
    r = _Reader(value, path)
    trims = []
    for n, t in enumerate(_list(r.get("trims"), f"{path}.trims")):
        if not isinstance(t, list) or len(t) != 3 or not all(isinstance(x, int) for x in t):
            raise InvalidInput(f"The terms are malformed: {path}.trims.{n} is not [min_bids, high, low].", field=path)
        trims.append(BenchmarkTrim(t[0], t[1], t[2]))
    exclude = r.get("exclude_beyond")
    rule = PriceRule(
        full_score=r.decimal("full_score"),
        k_mode=KMode(r.text("k_mode")),
        k_values=tuple(_decimal(k, f"{path}.k_values") for k in _list(r.get("k_values"), f"{path}.k_values")),
        above_per_point=r.decimal("above_per_point"),
        below_per_point=r.decimal("below_per_point"),
        floor=r.decimal("floor"),
        trims=tuple(trims),
        exclude_beyond=None if exclude is None else _decimal(exclude, f"{path}.exclude_beyond"),
    )
    r.done()
    return rule


def _scoring_from(value: Any) -> ScoringTable:
    r = _Reader(value, "scoring")
    objective = []
    for n, item in enumerate(_list(r.get("objective"), "scoring.objective")):
        i = _Reader(item, f"scoring.objective.{n}")
        objective.append(
            ObjectiveItem(
                i.text("item_id"), i.text("name"), i.decimal("max_score"), _test_from(i.get("test"), f"{i.path}.test")
            )
        )
        i.done()
    subjective = []
    for n, item in enumerate(_list(r.get("subjective"), "scoring.subjective")):
        i = _Reader(item, f"scoring.subjective.{n}")
        bands = tuple(
            Band(str(b[0]), _decimal(b[1], f"{i.path}.bands"), _decimal(b[2], f"{i.path}.bands"))
            for b in _list(i.get("bands"), f"{i.path}.bands")
        )
        subjective.append(
            SubjectiveItem(i.text("item_id"), i.text("name"), i.decimal("max_score"), bands, i.decimal("min_score"))
        )
        i.done()
    table = ScoringTable(
        price=_price_from(r.get("price"), "scoring.price"),
        objective=tuple(objective),
        subjective=tuple(subjective),
        total=r.decimal("total"),
        deviation_threshold=r.decimal("deviation_threshold"),
        aggregation=Aggregation(r.text("aggregation")),
        trim_from=r.integer("trim_from"),
    )
    r.done()
    return table


def terms_from_json(value: Any) -> TenderTerms:
    """The terms ``terms_to_json`` wrote; ``InvalidInput`` naming the path of anything else."""
    r = _Reader(value, "terms")
    if r.get("format") != TERMS_FORMAT:
        raise InvalidInput(f"The terms are not in the {TERMS_FORMAT} format.", field="terms.format")
    try:
        method = EvaluationMethod(r.text("method"))
        tie_breaks = tuple(TieBreak(t) for t in _list(r.get("tie_breaks"), "terms.tie_breaks"))
    except ValueError as e:
        raise InvalidInput(f"The terms are malformed: {e}.", field="terms") from None
    scoring = r.get("scoring")
    c = _Reader(r.get("committee"), "terms.committee")
    committee = CommitteeComposition(
        c.integer("size"),
        tuple((str(s), int(n)) for s, n in _list(c.get("experts"), "terms.committee.experts")),
        c.integer("representatives"),
    )
    c.done()
    s = _Reader(r.get("security"), "terms.security")
    validity = s.get("validity_days")
    security = SecurityTerms(
        s.decimal("amount"),
        tuple(str(f) for f in _list(s.get("forms"), "terms.security.forms")),
        None if validity is None else int(validity),
    )
    s.done()
    q = _Reader(r.get("qualification"), "terms.qualification")
    similar = q.get("similar_contracts")
    similar_contracts = None
    if similar is not None:
        sc = _Reader(similar, "terms.qualification.similar_contracts")
        similar_contracts = SimilarContracts(sc.integer("count"), sc.decimal("min_amount"), sc.integer("within_years"))
        sc.done()
    qualification = Qualification(
        max_duration_days=q.integer("max_duration_days"),
        quality=frozenset(str(x) for x in _list(q.get("quality"), "terms.qualification.quality")),
        certificates=frozenset(str(x) for x in _list(q.get("certificates"), "terms.qualification.certificates")),
        staff=frozenset(str(x) for x in _list(q.get("staff"), "terms.qualification.staff")),
        pm_grades=frozenset(str(x) for x in _list(q.get("pm_grades"), "terms.qualification.pm_grades")),
        similar_contracts=similar_contracts,
    )
    q.done()
    deviations = tuple(
        DeviationRule(str(d[0]), str(d[1]), _decimal(d[2], "terms.deviations"))
        for d in _list(r.get("deviations"), "terms.deviations")
    )
    terms = TenderTerms(
        method=method,
        qualification=qualification,
        committee=committee,
        security=security,
        bid_validity_days=r.integer("bid_validity_days"),
        scoring=None if scoring is None else _scoring_from(scoring),
        deviations=deviations,
        tie_breaks=tie_breaks,
    )
    r.done()
    return terms

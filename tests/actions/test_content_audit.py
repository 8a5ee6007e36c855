"""The content audit (actions/content_audit.py) and ``huurhulp content audit``."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest

from actions import content_audit, content_store
from actions.content_audit import (
    NO_CITATION,
    NOT_A_WEB_ADDRESS,
    audit_content,
    format_report,
    is_citation,
    one_year_before,
    run_audit,
    source_domain,
)
from actions.content_store import (
    Amount,
    FieldSource,
    FlandersData,
    InfoTopic,
    Municipality,
    Organisation,
    RegionData,
    Source,
)

TODAY = dt.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    content_store.clear_cache()
    yield
    content_store.clear_cache()


# ------------------------------------------------------------------------- small builders


def _source(
    url: str = "https://www.vlaanderen.be/huren", verified: bool = True, checked: str = "2026-11-25"
) -> Source:
    return Source(source=url, checked=checked, verified=verified, supports="the fact")


def _topic(
    sources: tuple[Source, ...] = (),
    verified: bool = True,
    amounts: tuple[Amount, ...] = (),
    topic_id: str = "t",
) -> InfoTopic:
    text = MappingProxyType({"nl": "tekst"})
    return InfoTopic(
        id=topic_id,
        audience=("tenant",),
        title=text,
        text=text,
        steps=MappingProxyType({}),
        sources=sources,
        checked="2026-11-25",
        verified=verified,
        amounts=amounts,
    )


def _org(
    org_id: str = "o",
    source: str = "https://www.genk.be/sociaal-huis",
    verified: bool = True,
    checked: str = "2026-12-05",
    field_sources: dict[str, FieldSource] | None = None,
    **fields: str | None,
) -> Organisation:
    return Organisation(
        id=org_id,
        kind="ocmw",
        name="OCMW",
        address=fields.get("address"),
        phone=fields.get("phone"),
        website=fields.get("website"),
        opening_hours=fields.get("opening_hours"),
        source=source,
        checked=checked,
        verified=verified,
        field_sources=MappingProxyType(field_sources or {}),
    )


def _flanders(*orgs: Organisation) -> FlandersData:
    return FlandersData(
        checked="2026-11-25", organisations={org.id: org for org in orgs}, general=(), emergency=()
    )


def _region(*municipal_orgs: Organisation, shared: tuple[Organisation, ...] = ()) -> RegionData:
    municipalities = tuple(
        Municipality(
            id=f"m{index}",
            name=f"M{index}",
            postcodes=(f"35{index:02d}",),
            former_municipalities=(),
            sections=(),
            other_names=(),
            vredegerecht_canton=None,
            services=MappingProxyType({"ocmw": org, **{o.id: o for o in shared}}),
        )
        for index, org in enumerate(municipal_orgs)
    )
    return RegionData(
        id="r",
        name=MappingProxyType({"nl": "R"}),
        as_of="2025-01-01",
        checked="2026-11-25",
        verified=True,
        sources=(_source("https://limburg.be/bestuur-regio"),),
        ambiguous_names=frozenset(),
        organisations=MappingProxyType({o.id: o for o in shared}),
        municipalities=municipalities,
    )


def _audit(
    topics: tuple[InfoTopic, ...] = (),
    flanders: FlandersData | None = None,
    region: RegionData | None = None,
    today: dt.date = TODAY,
) -> content_audit.AuditReport:
    return audit_content(
        today,
        {topic.id: topic for topic in topics},
        flanders or _flanders(),
        {"r": region} if region else {},
    )


# ------------------------------------------------------------------------- the shipped content


def test_shipped_content_has_no_hard_error() -> None:
    report = run_audit(TODAY)
    assert report.hard_errors == (), report.hard_errors
    assert report.ok
    assert report.counts["topic"] == len(content_store.load_info_topics())
    assert report.counts["organisation"] > 38  # every OCMW plus the shared entries


def test_shipped_ocmw_entries_without_a_citation_are_reported_unverified() -> None:
    report = run_audit(TODAY)
    unverified = {fact.where for fact in report.unverified}
    limburg = content_store.load_regions()["limburg"]
    for municipality in limburg.municipalities:
        ocmw = municipality.services["ocmw"]
        if not is_citation(ocmw.source):
            assert not ocmw.verified, municipality.id
            assert not ocmw.has_contact, municipality.id
            assert f"referrals/limburg/{municipality.id}/ocmw" in unverified


def test_shipped_shared_organisations_are_audited_once() -> None:
    report = run_audit(TODAY)
    wheres = [fact.where for fact in report.facts if fact.kind == "organisation"]
    assert len(wheres) == len(set(wheres))
    assert sum(1 for where in wheres if where.endswith("/caw_limburg")) == 1


# ------------------------------------------------------------------------- hard errors


def test_verified_source_without_citation_is_a_hard_error() -> None:
    topic = _topic(sources=(_source(""), _source("none: not found")))
    report = _audit(topics=(topic,))
    assert not report.ok
    assert any("sources/0" in error and "without a source" in error for error in report.hard_errors)
    assert any("sources/1" in error for error in report.hard_errors)
    assert any("cites no source" in error for error in report.hard_errors)


def test_unverified_source_without_citation_is_only_reported() -> None:
    topic = _topic(sources=(_source("none: not found", verified=False),), verified=False)
    report = _audit(topics=(topic,))
    assert report.ok
    assert {fact.where for fact in report.unverified} == {"info/t", "info/t/sources/0"}


def test_contact_field_without_a_source_is_a_hard_error() -> None:
    org = _org(source="none: nothing found", verified=False, phone="011 11 11 11")
    report = _audit(region=_region(org))
    assert not report.ok
    assert report.hard_errors == ("referrals/r/m0/ocmw: phone '011 11 11 11' is filled in without a source",)


def test_contact_field_with_its_own_field_source_is_fine() -> None:
    org = _org(
        source="none: no main page",
        phone="011 11 11 11",
        field_sources={"phone": FieldSource("https://www.genk.be/contact", "2026-12-05")},
    )
    report = _audit(region=_region(org))
    assert report.ok, report.hard_errors


def test_verified_organisation_without_any_citation_is_a_hard_error() -> None:
    org = _org(source="none: nothing found", verified=True)
    report = _audit(flanders=_flanders(org))
    assert report.hard_errors == ("referrals/flanders/o: verified: true without a source",)


def test_amount_without_source_is_a_hard_error() -> None:
    amount = Amount(what="cap", value="1.000 euro", indexed_yearly=False, source=" ", checked="2026-11-25")
    report = _audit(topics=(_topic(sources=(_source(),), amounts=(amount,)),))
    assert report.hard_errors == ("info/t/amounts/0: amount '1.000 euro' without a source",)


def test_content_that_does_not_load_is_a_hard_error_not_a_crash(tmp_path: Path) -> None:
    shutil.copytree(content_store.CONTENT_DIR, tmp_path / "content")
    broken = tmp_path / "content" / "info" / "caw.yml"
    broken.write_text("id: caw\n", encoding="utf-8")
    report = run_audit(TODAY, tmp_path / "content")
    assert not report.ok
    assert any("does not load" in error and "caw.yml" in error for error in report.hard_errors)


# ------------------------------------------------------------------------- what is reported


def test_facts_checked_more_than_twelve_months_ago_are_stale() -> None:
    old = _source("https://a.be/old", checked="2025-12-04")
    edge = _source("https://a.be/edge", checked="2025-12-05")
    report = _audit(topics=(_topic(sources=(old, edge)),))
    assert report.stale_before == dt.date(2025, 12, 5)
    assert [fact.where for fact in report.stale] == ["info/t/sources/0"]


def test_one_year_before_handles_a_leap_day() -> None:
    assert one_year_before(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
    assert one_year_before(TODAY) == dt.date(2025, 12, 5)


@pytest.mark.parametrize(
    ("year", "outdated"), [(2024, True), (2025, True), (2026, False), (2027, False), (None, True)]
)
def test_indexed_amounts_whose_year_has_passed(year: int | None, outdated: bool) -> None:
    amount = Amount("cap", "1.482 euro", True, "https://www.vlaanderen.be/fonds", "2026-11-25", year)
    fixed = Amount("deposit", "3 months", False, "https://www.vlaanderen.be/huurwaarborg", "2026-11-25", 2019)
    report = _audit(topics=(_topic(sources=(_source(),), amounts=(amount, fixed)),))
    assert [a.where for a in report.outdated_amounts] == (["info/t/amounts/0"] if outdated else [])


def test_source_domains_are_counted_per_citing_fact() -> None:
    shared = _org("caw", source="https://www.caw.be/limburg", website="https://www.caw.be")
    ocmw_a = _org("a", source="https://www.genk.be/x", website="https://www.genk.be")
    ocmw_b = _org(
        "b",
        source="https://genk.be/y",
        field_sources={"website": FieldSource("https://www.genk.be/y", "2026-12-05")},
        website="https://www.genk.be",
    )
    topic = _topic(sources=(_source("https://www.caw.be/faq"), _source("Ger.W. art. 1344quater")))
    report = _audit(topics=(topic,), region=_region(ocmw_a, ocmw_b, shared=(shared,)))
    domains = dict(report.domains)
    assert domains["genk.be"] == 3  # two entries and one field source
    assert domains["caw.be"] == 2  # the shared entry once (not per municipality) and the topic source
    assert domains[NOT_A_WEB_ADDRESS] == 1
    assert domains["limburg.be"] == 1  # the region's list source; the list itself does not count again
    assert report.domains[0][1] >= report.domains[-1][1]


@pytest.mark.parametrize(
    ("source", "domain"),
    [
        ("https://www.Hasselt.be/nl/leefloon", "hasselt.be"),
        ("http://ocmw-lummen.be/x.html", "ocmw-lummen.be"),
        ("Ger.W. art. 52", NOT_A_WEB_ADDRESS),
        ("none: nothing found", NO_CITATION),
        ("", NO_CITATION),
        (None, NO_CITATION),
    ],
)
def test_source_domain(source: str | None, domain: str) -> None:
    assert source_domain(source) == domain


def test_report_text_has_every_section_and_the_result() -> None:
    org = _org(source="none: x", verified=False, phone="011 11 11 11")
    text = format_report(_audit(region=_region(org)))
    for heading in (
        "Not yet verified: 1",
        "Checked more than 12 months ago (before 2025-12-05): 0",
        "Indexed amounts whose year has passed: 0",
        "Source domains:",
        "Hard errors: 1",
        "Result: FAILED (1 hard error(s))",
    ):
        assert heading in text
    assert format_report(_audit()).endswith("Result: OK")


def test_today_can_be_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUURHULP_TODAY", "2027-01-02")
    assert content_audit.default_today() == dt.date(2027, 1, 2)


# ------------------------------------------------------------------------- the command


def test_command_prints_the_audit_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    cli = pytest.importorskip("bot.cli")
    args = cli.build_parser().parse_args(["content", "audit", "--today", "2026-12-05"])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "Content audit for 2026-12-05" in out and "Result: OK" in out

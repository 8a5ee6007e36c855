"""Content audit: which curated facts need a human to look at them again?

``huurhulp content audit`` prints, for everything under ``actions/content`` that the loaders in
:mod:`actions.content_store` read (information topics and the referral map):

* facts not yet verified (``verified: false`` on a topic, a source, the municipality list or an
  organisation entry);
* facts checked more than 12 months before today;
* yearly indexed amounts whose year has passed (or that carry no year at all);
* every source domain with the number of facts that cite it.

It fails (``AuditReport.ok`` is False, the command exits non-zero) on a hard error:

* a content file that does not load (schema or cross-reference error);
* a verified fact without a source (a verified topic without sources, a verified source or
  organisation entry whose source is empty or a "none: ..." placeholder);
* a contact field (address, phone, website, opening hours) that is filled in without a source.

Pure module: no Rasa imports; ``audit_content`` works on loaded data, ``run_audit`` loads the
shipped content (or another folder, for tests) first.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from actions import content_store
from actions.content_store import (
    CONTACT_FIELDS,
    ContentError,
    FlandersData,
    InfoTopic,
    Organisation,
    RegionData,
)

# A source that starts with one of these says that nothing was found: it is not a citation.
_PLACEHOLDER_PREFIXES = ("none", "n/a", "todo", "unknown", "-")
NO_CITATION = "(no source)"
NOT_A_WEB_ADDRESS = "(not a web address)"


@dataclass(frozen=True)
class Fact:
    """One sourced statement in the content.

    ``kind`` is ``topic`` (an information answer as a whole), ``source`` (one entry of a
    ``sources`` list), ``list`` (a region's municipality list as a whole), ``organisation``
    (an organisation entry and its main source), ``field`` (a per-field source of an
    organisation) or ``amount``. Only the leaf kinds (``cites``) count for the source domains, so
    one page is not counted twice for a topic and for its own source entry. A shared organisation
    (``caw: caw_limburg`` in 38 municipalities) is one fact.
    """

    where: str
    kind: str
    sources: tuple[str, ...]
    checked: str | None
    verified: bool | None = None
    cites: bool = True


@dataclass(frozen=True)
class AmountIssue:
    """A yearly indexed amount that needs re-checking."""

    where: str
    what: str
    value: str
    year: int | None


@dataclass(frozen=True)
class AuditReport:
    """Everything ``huurhulp content audit`` prints; ``ok`` is False on a hard error."""

    today: dt.date
    facts: tuple[Fact, ...]
    unverified: tuple[Fact, ...]
    stale: tuple[Fact, ...]
    stale_before: dt.date
    outdated_amounts: tuple[AmountIssue, ...]
    domains: tuple[tuple[str, int], ...]
    hard_errors: tuple[str, ...]
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.hard_errors


# --------------------------------------------------------------------------- helpers


def is_citation(source: str | None) -> bool:
    """True when ``source`` names a page or document (not empty, not a "none: ..." note)."""
    if source is None:
        return False
    text = source.strip().lower()
    return bool(text) and not text.startswith(_PLACEHOLDER_PREFIXES)


def source_domain(source: str | None) -> str:
    """The web domain of a source (``www.`` dropped), or a label for a non-address source."""
    if not is_citation(source):
        return NO_CITATION
    assert source is not None
    parsed = urlparse(source.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return NOT_A_WEB_ADDRESS
    host = parsed.hostname.lower()
    return host[4:] if host.startswith("www.") else host


def one_year_before(day: dt.date) -> dt.date:
    """The same calendar day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def default_today() -> dt.date:
    """Today in Belgium; ``HUURHULP_TODAY`` (YYYY-MM-DD) pins it, as for the action server."""
    pinned = os.environ.get("HUURHULP_TODAY")
    if pinned:
        return dt.date.fromisoformat(pinned)
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo("Europe/Brussels")).date()
    except Exception:  # pragma: no cover - no time zone database on this machine
        return dt.date.today()


# --------------------------------------------------------------------------- collecting facts


def _topic_facts(topics: Mapping[str, InfoTopic]) -> tuple[list[Fact], list[AmountIssue], list[str]]:
    facts: list[Fact] = []
    amounts: list[AmountIssue] = []
    errors: list[str] = []
    for topic_id in sorted(topics):
        topic = topics[topic_id]
        where = f"info/{topic_id}"
        facts.append(
            Fact(where, "topic", tuple(s.source for s in topic.sources), topic.checked, topic.verified, False)
        )
        if topic.verified and not any(is_citation(s.source) for s in topic.sources):
            errors.append(f"{where}: verified: true but the topic cites no source")
        for index, source in enumerate(topic.sources):
            here = f"{where}/sources/{index}"
            facts.append(Fact(here, "source", (source.source,), source.checked, source.verified))
            if source.verified and not is_citation(source.source):
                errors.append(f"{here}: verified: true without a source")
        for index, amount in enumerate(topic.amounts):
            here = f"{where}/amounts/{index}"
            facts.append(Fact(here, "amount", (amount.source,), amount.checked))
            if not is_citation(amount.source):
                errors.append(f"{here}: amount {amount.value!r} without a source")
            if amount.indexed_yearly:
                amounts.append(AmountIssue(here, amount.what, amount.value, amount.year))
    return facts, amounts, errors


def _organisation_facts(where: str, org: Organisation) -> tuple[list[Fact], list[str]]:
    facts = [Fact(where, "organisation", (org.source,), org.checked, org.verified)]
    errors: list[str] = []
    cited = is_citation(org.source) or any(is_citation(s.source) for s in org.field_sources.values())
    if org.verified and not cited:
        errors.append(f"{where}: verified: true without a source")
    for name, spec in org.field_sources.items():
        facts.append(Fact(f"{where}/field_sources/{name}", "field", (spec.source,), spec.checked))
    for name in CONTACT_FIELDS:
        if getattr(org, name) and not is_citation(org.source_of(name)):
            errors.append(f"{where}: {name} {getattr(org, name)!r} is filled in without a source")
    return facts, errors


def _referral_facts(
    flanders: FlandersData, regions: Mapping[str, RegionData]
) -> tuple[list[Fact], list[str]]:
    facts: list[Fact] = []
    errors: list[str] = []
    flanders_file = Path(flanders.file).stem or "flanders"
    for org_id in sorted(flanders.organisations):
        more, bad = _organisation_facts(f"referrals/{flanders_file}/{org_id}", flanders.organisations[org_id])
        facts += more
        errors += bad
    shared = set(flanders.organisations)
    for region_id in sorted(regions):
        region = regions[region_id]
        base = f"referrals/{region_id}"
        facts.append(
            Fact(
                f"{base}/municipality list",
                "list",
                tuple(s.source for s in region.sources),
                region.checked,
                region.verified,
                False,
            )
        )
        if region.verified and not any(is_citation(s.source) for s in region.sources):
            errors.append(f"{base}: verified: true but the municipality list cites no source")
        for index, source in enumerate(region.sources):
            here = f"{base}/sources/{index}"
            facts.append(Fact(here, "source", (source.source,), source.checked, source.verified))
            if source.verified and not is_citation(source.source):
                errors.append(f"{here}: verified: true without a source")
        for org_id in sorted(region.organisations):
            more, bad = _organisation_facts(f"{base}/{org_id}", region.organisations[org_id])
            facts += more
            errors += bad
        own_shared = shared | set(region.organisations)
        for municipality in region.municipalities:
            for role, org in municipality.services.items():
                if org.id in own_shared:
                    continue  # a reference to a shared entry, already audited once
                more, bad = _organisation_facts(f"{base}/{municipality.id}/{role}", org)
                facts += more
                errors += bad
    return facts, errors


# --------------------------------------------------------------------------- the audit


def audit_content(
    today: dt.date,
    topics: Mapping[str, InfoTopic],
    flanders: FlandersData,
    regions: Mapping[str, RegionData],
    load_errors: Iterable[str] = (),
) -> AuditReport:
    """Audit already loaded content (pure: no file access)."""
    topic_facts, amounts, errors = _topic_facts(topics)
    referral_facts, referral_errors = _referral_facts(flanders, regions)
    facts = tuple(topic_facts + referral_facts)
    hard_errors = [*load_errors, *errors, *referral_errors]

    stale_before = one_year_before(today)
    stale: list[Fact] = []
    for fact in facts:
        checked = _parse_date(fact.checked)
        if fact.checked and checked is None:
            hard_errors.append(f"{fact.where}: checked {fact.checked!r} is not a date")
        elif checked is not None and checked < stale_before:
            stale.append(fact)

    outdated = tuple(a for a in amounts if a.year is None or a.year < today.year)
    domains = Counter(source_domain(s) for fact in facts if fact.cites for s in fact.sources)
    kinds = Counter(fact.kind for fact in facts)
    return AuditReport(
        today=today,
        facts=facts,
        unverified=tuple(f for f in facts if f.verified is False),
        stale=tuple(stale),
        stale_before=stale_before,
        outdated_amounts=outdated,
        domains=tuple(sorted(domains.items(), key=lambda item: (-item[1], item[0]))),
        hard_errors=tuple(hard_errors),
        counts=dict(kinds),
    )


def run_audit(today: dt.date, content_dir: Path | None = None) -> AuditReport:
    """Load the content (the shipped folder, or ``content_dir`` with ``info/`` and
    ``referrals/``) and audit it. A file that does not load is a hard error, not a crash."""
    base = content_dir or content_store.CONTENT_DIR
    info_dir, referrals_dir = base / "info", base / "referrals"
    load_errors: list[str] = []
    topics: Mapping[str, InfoTopic] = {}
    flanders = FlandersData(checked="", organisations={}, general=(), emergency=())
    regions: Mapping[str, RegionData] = {}
    try:
        topics = content_store.load_info_topics(info_dir)
    except ContentError as error:
        load_errors.append(f"does not load: {error}")
    try:
        flanders = content_store.load_flanders(referrals_dir / "flanders.yml")
        regions = content_store.load_regions(referrals_dir)
    except ContentError as error:
        load_errors.append(f"does not load: {error}")
    return audit_content(today, topics, flanders, regions, load_errors)


# --------------------------------------------------------------------------- printing


def _fact_line(fact: Fact) -> str:
    cited = ", ".join(s for s in fact.sources if s) or NO_CITATION
    if len(cited) > 100:
        cited = cited[:97] + "..."
    return f"  {fact.where} (checked {fact.checked or '?'}): {cited}"


def format_report(report: AuditReport) -> str:
    """The audit as plain text, one section per question, counts in the headings."""
    counts = ", ".join(f"{kind} {count}" for kind, count in sorted(report.counts.items()))
    lines = [
        f"Content audit for {report.today.isoformat()}",
        f"Facts: {len(report.facts)} ({counts})",
        "",
        f"Not yet verified: {len(report.unverified)}",
        *(_fact_line(fact) for fact in report.unverified),
        "",
        f"Checked more than 12 months ago (before {report.stale_before.isoformat()}): {len(report.stale)}",
        *(_fact_line(fact) for fact in report.stale),
        "",
        f"Indexed amounts whose year has passed: {len(report.outdated_amounts)}",
        *(
            f"  {a.where}: {a.what} = {a.value} ({'no year given' if a.year is None else a.year})"
            for a in report.outdated_amounts
        ),
        "",
        f"Source domains: {len(report.domains)}",
        *(f"  {count:4d}  {domain}" for domain, count in report.domains),
        "",
        f"Hard errors: {len(report.hard_errors)}",
        *(f"  {error}" for error in report.hard_errors),
        "",
        "Result: OK" if report.ok else f"Result: FAILED ({len(report.hard_errors)} hard error(s))",
    ]
    return "\n".join(lines)

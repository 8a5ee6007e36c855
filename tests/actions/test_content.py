"""Content files: schemas, sourcing rules and the loader's error messages.

These tests are the release gate for curated content: a legal fact without a source or a
date, a phone number without a source, or a postcode that points to two municipalities
must fail here, not in front of a tenant.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from actions import content_store
from actions.content_store import CONTACT_FIELDS, LANGUAGES, ContentError

REPO = Path(__file__).resolve().parents[2]
INFO_FILES = sorted(content_store.INFO_DIR.glob("*.yml"))
REFERRAL_FILES = sorted(content_store.REFERRALS_DIR.glob("*.yml"))

# The topics the conversation design relies on (see the brief); renaming one breaks flows.
REQUIRED_TOPICS = {
    "formal_notice",
    "petition_summons",
    "conciliation",
    "hearing",
    "judgment",
    "one_month_rule",
    "five_day_notice",
    "ocmw",
    "caw",
    "huurdersbond",
    "legal_aid",
    "fonds_uithuiszetting",
    "deposit",
    "locks_changed",
    "emergency",
    "landlord_options",
    "social_housing",
    # Issue 11: the answers that were missing.
    "winter_stop",
    "other_region",
    "belongings",
    "rent_allowance",
    "lease_end",
    "appeal",
    "judge_options",
    "interpreter",
    "after_eviction",
    "debt_help",
    "tele_onthaal",
}
# Issue 11: legal facts must not cite commercial landlord services or blogs, law firms'
# marketing, translation or text-copy databases, a political party or unrelated sites.
WEAK_SOURCE_DOMAINS = (
    "onbetaalde-huur.be",
    "mexp.be",
    "huurproblemen.be",
    "smovin.app",
    "immo.vlan.be",
    "jureca.be",
    "elfri.be",
    "code544.be",
    "huren-wonen.be",
    "nsz.be",
    "n-va.be",
    "mondialewerken.be",
    "diekeure.be",
    "watwat.be",
    "plusmagazine",
    "wordscope.be",
    "dierengarantie.be",
    "intranet.ucll.be",
    "wikisum.wiki",
    "askwikinow.com",
    "crwflags.com",
    "refli.be",
    "vilters-vanhemel.be",
)
MAX_CHAT_TEXT = 650  # "chat-sized": ~600 characters per language, a little slack for French


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    content_store.clear_cache()
    yield
    content_store.clear_cache()


def _raw(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _schema(name: str) -> Any:
    return json.loads((content_store.SCHEMAS_DIR / name).read_text(encoding="utf-8"))


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# ------------------------------------------------------------------------- schemas


def test_schemas_are_valid_json_schema() -> None:
    for path in sorted(content_store.SCHEMAS_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validators.validator_for(schema).check_schema(schema)


@pytest.mark.parametrize("path", INFO_FILES, ids=lambda p: p.name)
def test_info_schema_accepts_shipped_file(path: Path) -> None:
    jsonschema.validate(_raw(path), _schema("info_topic.schema.json"))


@pytest.mark.parametrize("path", REFERRAL_FILES, ids=lambda p: p.name)
def test_referral_schema_accepts_shipped_file(path: Path) -> None:
    jsonschema.validate(_raw(path), _schema("referral.schema.json"))


def test_all_content_loads() -> None:
    content_store.validate_all()


# ------------------------------------------------------------------------- info topics


def test_every_required_topic_exists() -> None:
    assert set(content_store.load_info_topics()) >= REQUIRED_TOPICS


@pytest.mark.parametrize("topic_id", sorted(REQUIRED_TOPICS))
def test_topic_has_three_languages_sources_and_date(topic_id: str) -> None:
    topic = content_store.get_info_topic(topic_id)
    for lang in LANGUAGES:
        assert topic.title[lang].strip(), f"{topic_id}: title/{lang} empty"
        assert topic.text[lang].strip(), f"{topic_id}: text/{lang} empty"
        assert len(topic.text[lang]) <= MAX_CHAT_TEXT, f"{topic_id}: text/{lang} too long for a chat"
    if topic.steps:
        assert {len(topic.steps[lang]) for lang in LANGUAGES} == {len(topic.steps["nl"])}, (
            f"{topic_id}: every language needs the same number of steps"
        )
    assert topic.sources, f"{topic_id}: no source"
    assert _is_iso_date(topic.checked)
    for source in topic.sources:
        assert source.source.strip() and source.supports.strip()
        assert _is_iso_date(source.checked), f"{topic_id}: bad checked date {source.checked!r}"
        assert dt.date.fromisoformat(source.checked) <= dt.date.fromisoformat(topic.checked)


def test_unverified_facts_are_flagged_for_review() -> None:
    for topic in content_store.load_info_topics().values():
        if not all(source.verified for source in topic.sources):
            assert topic.verified is False, topic.id
            assert topic.review_note, f"{topic.id}: unverified fact without a review note"


def test_yearly_indexed_amounts_are_marked_and_dated() -> None:
    fonds = content_store.get_info_topic("fonds_uithuiszetting")
    assert fonds.indexed_yearly
    indexed = [amount for amount in fonds.amounts if amount.indexed_yearly]
    assert indexed and all(amount.year for amount in indexed)
    assert fonds.review_note and "verify" in fonds.review_note.lower()
    for topic in content_store.load_info_topics().values():
        for amount in topic.amounts:
            assert amount.source and _is_iso_date(amount.checked), topic.id


def test_five_day_notice_says_the_days_exactly() -> None:
    # Issue 11, error 2: 5 working days (leases before 2019) or 7 calendar days (from
    # 2019), as Helder Recht states; the article text is still to be checked, so the
    # topic stays unverified with a review note.
    topic = content_store.get_info_topic("five_day_notice")
    assert "minstens 5 werkdagen" in topic.text["nl"] and "7 kalenderdagen" in topic.text["nl"]
    assert "5 jours ouvrables" in topic.text["fr"] and "7 jours calendrier" in topic.text["fr"]
    assert "5 working days" in topic.text["en"] and "7 calendar days" in topic.text["en"]
    for lang in LANGUAGES:
        assert "5" in topic.text[lang] and "7" in topic.text[lang], lang
    assert not topic.verified and topic.review_note


def test_no_info_topic_cites_a_weak_source() -> None:
    for topic in content_store.load_info_topics().values():
        cited = [source.source for source in topic.sources] + [amount.source for amount in topic.amounts]
        for citation in cited:
            weak = [domain for domain in WEAK_SOURCE_DOMAINS if domain in citation]
            assert not weak, f"{topic.id}: cites {citation}"


@pytest.mark.parametrize(
    ("topic_id", "needles"),
    [
        # the one-month deadlines after service (issue 11: after a judgment)
        ("appeal", {"nl": "één maand", "fr": "un mois", "en": "one month"}),
        # 4 years on the waiting list; apply within 9 months of the new lease
        ("rent_allowance", {"nl": "9 maanden", "fr": "9 mois", "en": "9 months"}),
        # tenant 3 months, landlord 6 months
        ("lease_end", {"nl": "6 maanden", "fr": "6 mois", "en": "6 months"}),
        ("debt_help", {"nl": "arbeidsrechtbank", "fr": "tribunal du travail", "en": "labour court"}),
        ("judge_options", {"nl": "afbetalingsplan", "fr": "plan de paiement", "en": "payment plan"}),
        ("interpreter", {"nl": "tolk", "fr": "interprète", "en": "interpreter"}),
    ],
)
def test_new_answers_state_the_key_fact(topic_id: str, needles: dict[str, str]) -> None:
    topic = content_store.get_info_topic(topic_id)
    for lang, needle in needles.items():
        assert needle in topic.text[lang], f"{topic_id}/{lang}: {needle!r} missing"


@pytest.mark.parametrize(
    ("topic_id", "numbers"),
    [
        ("rent_allowance", ("4", "9")),
        ("lease_end", ("3", "6")),
        ("tele_onthaal", ("106", "1813", "112", "101")),
        ("after_eviction", ("101", "112", "vlaanderen.be/sociaalhuren")),
        ("social_housing", ("vlaanderen.be/sociaalhuren",)),
    ],
)
def test_numbers_are_the_same_in_every_language(topic_id: str, numbers: tuple[str, ...]) -> None:
    topic = content_store.get_info_topic(topic_id)
    for lang in LANGUAGES:
        for number in numbers:
            assert number in topic.text[lang], f"{topic_id}/{lang}: {number!r} missing"


def test_interpreter_answer_promises_no_free_interpreter() -> None:
    # Who appoints and pays an interpreter in a civil case was not sourced: the answer
    # sends the tenant to the registry and must not say the interpreter is free.
    topic = content_store.get_info_topic("interpreter")
    assert "gratis" not in topic.text["nl"] and "free" not in topic.text["en"]
    assert not topic.verified and topic.review_note


def test_unsourced_limburg_shelter_facts_stay_unverified() -> None:
    # The Limburg crisis reception and night shelter come from regional news only.
    topic = content_store.get_info_topic("after_eviction")
    assert not topic.verified
    news = [source for source in topic.sources if "hln.be" in source.source or "tvl.be" in source.source]
    assert news and not any(source.verified for source in news)


def test_text_falls_back_to_dutch() -> None:
    assert content_store.info_text("ocmw", "de") == content_store.get_info_topic("ocmw").text["nl"]
    assert content_store.info_text("ocmw", "fr").startswith("Chaque commune")


def test_related_topics_exist() -> None:
    topics = content_store.load_info_topics()
    for topic in topics.values():
        assert set(topic.related) <= set(topics), topic.id


# ------------------------------------------------------------------------- loader behaviour


def _write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_loader_error_names_file_and_path(tmp_path: Path) -> None:
    data = _raw(content_store.INFO_DIR / "ocmw.yml")
    del data["text"]["fr"]
    bad = _write(tmp_path / "ocmw.yml", data)
    with pytest.raises(ContentError) as excinfo:
        content_store.load_info_topic(bad)
    message = str(excinfo.value)
    assert str(bad) in message
    assert "at text" in message and "'fr' is a required property" in message


def test_loader_rejects_a_source_without_checked_date(tmp_path: Path) -> None:
    data = _raw(content_store.INFO_DIR / "deposit.yml")
    del data["sources"][0]["checked"]
    bad = _write(tmp_path / "deposit.yml", data)
    with pytest.raises(ContentError, match=r"at sources/0: 'checked' is a required property"):
        content_store.load_info_topic(bad)


def test_loader_rejects_id_that_differs_from_file_name(tmp_path: Path) -> None:
    data = _raw(content_store.INFO_DIR / "caw.yml")
    bad = _write(tmp_path / "other_name.yml", data)
    with pytest.raises(ContentError, match="must equal the file name"):
        content_store.load_info_topic(bad)


def test_loader_rejects_verified_topic_with_unverified_source(tmp_path: Path) -> None:
    data = _raw(content_store.INFO_DIR / "caw.yml")
    data["verified"] = True
    data["sources"][0]["verified"] = False
    bad = _write(tmp_path / "caw.yml", data)
    with pytest.raises(ContentError, match="at verified"):
        content_store.load_info_topic(bad)


def test_loader_accepts_unquoted_yaml_dates(tmp_path: Path) -> None:
    text = (content_store.INFO_DIR / "caw.yml").read_text(encoding="utf-8")
    checked = _raw(content_store.INFO_DIR / "caw.yml")["checked"]
    bad = tmp_path / "caw.yml"
    bad.write_text(re.sub(r"[\"'](\d{4}-\d{2}-\d{2})[\"']", r"\1", text), encoding="utf-8")
    assert f'"{checked}"' not in bad.read_text(encoding="utf-8")
    assert content_store.load_info_topic(bad).checked == checked


def test_region_loader_rejects_a_postcode_in_two_municipalities(tmp_path: Path) -> None:
    data = _raw(content_store.REFERRALS_DIR / "limburg.yml")
    data["municipalities"][1]["postcodes"].append(data["municipalities"][0]["postcodes"][0])
    bad = _write(tmp_path / "limburg.yml", data)
    expected = r"at municipalities/1/postcodes/\d+: postcode \d{4} already belongs"
    with pytest.raises(ContentError, match=expected):
        content_store.load_region(bad)


def test_region_loader_rejects_a_phone_without_source(tmp_path: Path) -> None:
    data = _raw(content_store.REFERRALS_DIR / "limburg.yml")
    ocmw = data["municipalities"][0]["services"]["ocmw"]
    ocmw["phone"] = "011 00 00 00"
    ocmw["source"] = ""
    bad = _write(tmp_path / "limburg.yml", data)
    with pytest.raises(ContentError, match=r"municipalities/0/services/ocmw/source"):
        content_store.load_region(bad)


def test_region_loader_rejects_unknown_service_reference(tmp_path: Path) -> None:
    data = _raw(content_store.REFERRALS_DIR / "limburg.yml")
    data["municipalities"][2]["services"]["caw"] = "caw_nowhere"
    bad = _write(tmp_path / "limburg.yml", data)
    with pytest.raises(ContentError, match=r"municipalities/2/services/caw: unknown organisation"):
        content_store.load_region(bad)


def test_nothing_is_loaded_at_import_time() -> None:
    code = (
        "import actions.content_store as c, actions.referral as r\n"
        "print(c._cached_info.cache_info().currsize, c._cached_regions.cache_info().currsize,"
        " r._index.cache_info().currsize)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["0", "0", "0"]


# ------------------------------------------------------------------------- referral data


def _all_organisations() -> list[tuple[str, content_store.Organisation]]:
    found: list[tuple[str, content_store.Organisation]] = []
    flanders = content_store.load_flanders()
    found += [(f"flanders/{key}", org) for key, org in flanders.organisations.items()]
    for region in content_store.load_regions().values():
        found += [(f"{region.id}/{key}", org) for key, org in region.organisations.items()]
        for municipality in region.municipalities:
            found += [
                (f"{region.id}/{municipality.id}/{role}", org) for role, org in municipality.services.items()
            ]
    return found


def test_limburg_is_a_covered_region_with_38_municipalities() -> None:
    regions = content_store.load_regions()
    assert "limburg" in regions
    limburg = regions["limburg"]
    # 44 municipalities in 2018, minus 2 (2019 mergers), minus 4 (2025 mergers).
    assert len(limburg.municipalities) == 38
    names = {m.name for m in limburg.municipalities}
    merged = {"Bilzen-Hoeselt", "Tongeren-Borgloon", "Tessenderlo-Ham", "Hasselt", "Oudsbergen", "Pelt"}
    assert names >= merged
    assert not names & {"Bilzen", "Hoeselt", "Tongeren", "Borgloon", "Tessenderlo", "Ham", "Kortessem"}


def test_unconfirmed_municipality_list_is_flagged() -> None:
    limburg = content_store.load_regions()["limburg"]
    if not limburg.verified:
        assert limburg.review_note
    assert limburg.sources and all(_is_iso_date(source.checked) for source in limburg.sources)


def test_every_municipality_has_a_postcode_and_every_service() -> None:
    for region in content_store.load_regions().values():
        for municipality in region.municipalities:
            assert municipality.postcodes, municipality.name
            assert set(municipality.services) == set(content_store.SERVICE_ROLES), municipality.name
            assert municipality.services["ocmw"].name == f"OCMW {municipality.name}"


def test_no_postcode_maps_to_two_municipalities() -> None:
    owner: dict[str, str] = {}
    for region in content_store.load_regions().values():
        for municipality in region.municipalities:
            for postcode in municipality.postcodes:
                assert postcode not in owner, f"{postcode}: {owner.get(postcode)} and {municipality.name}"
                owner[postcode] = municipality.name


def test_limburg_postcodes_are_in_the_limburg_range() -> None:
    limburg = content_store.load_regions()["limburg"]
    for municipality in limburg.municipalities:
        for postcode in municipality.postcodes:
            assert 3500 <= int(postcode) <= 3999, (municipality.name, postcode)


def test_merged_municipalities_keep_their_former_postcodes() -> None:
    limburg = {m.name: m for m in content_store.load_regions()["limburg"].municipalities}
    expected = {
        "Bilzen-Hoeselt": {"Bilzen", "Hoeselt"},
        "Tongeren-Borgloon": {"Tongeren", "Borgloon"},
        "Tessenderlo-Ham": {"Tessenderlo", "Ham"},
        "Hasselt": {"Kortessem"},
    }
    for name, formers in expected.items():
        municipality = limburg[name]
        assert {f.name for f in municipality.former_municipalities} == formers
        for former in municipality.former_municipalities:
            assert former.merged_on == "2025-01-01"
            assert former.postcodes and set(former.postcodes) <= set(municipality.postcodes)


@pytest.mark.parametrize("field_name", CONTACT_FIELDS)
def test_no_contact_field_is_filled_without_a_source(field_name: str) -> None:
    for where, org in _all_organisations():
        if getattr(org, field_name) is not None:
            source = org.source_of(field_name)
            assert source and source.strip(), f"{where}.{field_name} has no source"
            assert _is_iso_date(org.checked), where
            specific = org.field_sources.get(field_name)
            if specific is not None:
                assert _is_iso_date(specific.checked), where


def test_field_sources_only_describe_filled_in_fields() -> None:
    for where, org in _all_organisations():
        for field_name in org.field_sources:
            assert getattr(org, field_name) is not None, f"{where}: field source for empty {field_name}"


def test_entries_without_contact_point_to_a_sourced_general_channel() -> None:
    flanders = content_store.load_flanders()
    for region in content_store.load_regions().values():
        known = {**flanders.organisations, **region.organisations}
        for where, org in _all_organisations():
            if not where.startswith(f"{region.id}/") or org.has_contact:
                continue
            assert org.fallback, f"{where} has no contact details and no fallback"
            fallback = known[org.fallback]
            assert fallback.has_contact or (fallback.fallback and known[fallback.fallback].has_contact), where


def test_entries_flagged_unverified_explain_why() -> None:
    for where, org in _all_organisations():
        if not org.verified:
            assert org.review_note, f"{where} is unverified without a review note"


def test_flanders_wide_options_and_emergency_numbers() -> None:
    flanders = content_store.load_flanders()
    assert flanders.general
    phones = {org.phone for org in flanders.emergency}
    assert {"112", "101", "1813", "1712"} <= phones
    assert all(org.kind in {"emergency", "helpline"} for org in flanders.emergency)

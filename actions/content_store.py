"""Loader and validator for Huurhulp's curated content files.

The content lives in ``actions/content``:

* ``info/*.yml`` - one information answer per topic (nl/fr/en), with sources and dates;
* ``referrals/*.yml`` - referral map data: one ``kind: region`` file per covered region
  (``limburg.yml``) and one ``kind: flanders`` file with the Flanders-wide options;
* ``schemas/*.json`` - the JSON Schemas both kinds of file must satisfy.

This module is pure: no Rasa imports, only PyYAML and jsonschema. Nothing is read at
import time; every loader reads lazily on first use and caches the result, so importing
the actions package stays cheap and a broken content file fails loudly where it is used
(and in the tests), naming the file and the failing path.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import yaml

from vocabulary.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

CONTENT_DIR = Path(__file__).resolve().parent / "content"
INFO_DIR = CONTENT_DIR / "info"
REFERRALS_DIR = CONTENT_DIR / "referrals"
SCHEMAS_DIR = CONTENT_DIR / "schemas"

LANGUAGES: tuple[str, ...] = SUPPORTED_LANGUAGES
PRIMARY_LANGUAGE = DEFAULT_LANGUAGE

# Organisation fields that tell a tenant where to go. The sourcing rule applies to them:
# a filled-in value must have a source (``source`` or a ``field_sources`` entry).
CONTACT_FIELDS: tuple[str, ...] = ("address", "phone", "website", "opening_hours")
# The local services every municipality must list, in the order the bot offers them.
SERVICE_ROLES: tuple[str, ...] = ("ocmw", "caw", "huurdersbond", "vredegerecht", "legal_aid")


class ContentError(ValueError):
    """A content file is missing, unreadable or invalid.

    The message always names the file and, where known, the path inside it
    (``municipalities/3/postcodes/0``) so a content editor can fix it without reading code.
    """

    def __init__(self, file: Path | str, path: Iterable[Any] = (), message: str = "") -> None:
        self.file = str(file)
        self.path = "/".join(str(part) for part in path) or "<root>"
        self.detail = message
        super().__init__(f"{self.file}: at {self.path}: {message}")


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Source:
    """Where a fact was read, and when."""

    source: str
    checked: str
    verified: bool
    supports: str


@dataclass(frozen=True)
class Amount:
    """A money amount quoted in an answer; ``indexed_yearly`` amounts must be re-checked."""

    what: str
    value: str
    indexed_yearly: bool
    source: str
    checked: str
    year: int | None = None


@dataclass(frozen=True)
class InfoTopic:
    """One curated information answer in three languages."""

    id: str
    audience: tuple[str, ...]
    title: Mapping[str, str]
    text: Mapping[str, str]
    steps: Mapping[str, tuple[str, ...]]
    sources: tuple[Source, ...]
    checked: str
    verified: bool
    indexed_yearly: bool = False
    amounts: tuple[Amount, ...] = ()
    related: tuple[str, ...] = ()
    review_note: str | None = None
    file: str = ""

    def title_in(self, lang: str) -> str:
        """Title in ``lang``, falling back to Dutch (the primary language)."""
        return self.title.get(lang) or self.title[PRIMARY_LANGUAGE]

    def text_in(self, lang: str) -> str:
        """Text in ``lang``, falling back to Dutch (the primary language)."""
        return self.text.get(lang) or self.text[PRIMARY_LANGUAGE]

    def steps_in(self, lang: str) -> tuple[str, ...]:
        """Steps in ``lang`` (empty when the topic has none), falling back to Dutch."""
        return self.steps.get(lang) or self.steps.get(PRIMARY_LANGUAGE, ())


@dataclass(frozen=True)
class FieldSource:
    """The source of one organisation field when it differs from the entry's source."""

    source: str
    checked: str
    note: str | None = None


@dataclass(frozen=True)
class Organisation:
    """A place to get help. Unsourced contact fields are ``None``, never guessed."""

    id: str
    kind: str
    name: str
    address: str | None
    phone: str | None
    website: str | None
    opening_hours: str | None
    source: str
    checked: str
    verified: bool
    about: Mapping[str, str] = field(default_factory=dict)
    field_sources: Mapping[str, FieldSource] = field(default_factory=dict)
    fallback: str | None = None
    review_note: str | None = None

    def source_of(self, field_name: str) -> str | None:
        """The source backing ``field_name``: its own field source, else the entry's source."""
        specific = self.field_sources.get(field_name)
        if specific is not None:
            return specific.source
        return self.source or None

    @property
    def has_contact(self) -> bool:
        """True when at least one way to reach the organisation was sourced."""
        return any(getattr(self, name) for name in ("address", "phone", "website"))


@dataclass(frozen=True)
class FormerMunicipality:
    """A municipality that merged into another one; tenants still use its name."""

    name: str
    merged_on: str
    postcodes: tuple[str, ...]


@dataclass(frozen=True)
class Municipality:
    """A current municipality with its postcodes, old names and local services."""

    id: str
    name: str
    postcodes: tuple[str, ...]
    former_municipalities: tuple[FormerMunicipality, ...]
    sections: tuple[str, ...]
    other_names: tuple[str, ...]
    vredegerecht_canton: str | None
    services: Mapping[str, Organisation]


@dataclass(frozen=True)
class RegionData:
    """A covered region (e.g. Limburg) as loaded from ``referrals/<region>.yml``."""

    id: str
    name: Mapping[str, str]
    as_of: str
    checked: str
    verified: bool
    sources: tuple[Source, ...]
    ambiguous_names: frozenset[str]
    organisations: Mapping[str, Organisation]
    municipalities: tuple[Municipality, ...]
    review_note: str | None = None
    file: str = ""


@dataclass(frozen=True)
class FlandersData:
    """Flanders-wide options from ``referrals/flanders.yml``."""

    checked: str
    organisations: Mapping[str, Organisation]
    general: tuple[Organisation, ...]
    emergency: tuple[Organisation, ...]
    review_note: str | None = None
    file: str = ""


# --------------------------------------------------------------------------- helpers


def _normalise_dates(value: Any) -> Any:
    """Turn YAML dates into ISO strings.

    PyYAML parses an unquoted ``2026-11-25`` as a ``date``; the schemas expect strings, and a
    content editor should not have to remember to quote dates.
    """
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {key: _normalise_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalise_dates(item) for item in value]
    return value


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise ContentError(path, (), "file not found") from exc
    except yaml.YAMLError as exc:
        raise ContentError(path, (), f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ContentError(path, (), "top level must be a mapping")
    return _normalise_dates(data)


@functools.cache
def _validator(schema_name: str) -> jsonschema.protocols.Validator:
    path = SCHEMAS_DIR / schema_name
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ContentError(path, (), f"cannot read schema: {exc}") from exc
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    return validator_cls(schema)


def validate(data: Mapping[str, Any], schema_name: str, file: Path | str) -> None:
    """Validate ``data`` against ``schemas/<schema_name>``.

    Raises ContentError naming ``file`` and the JSON path of the first error (errors are
    sorted by path so the report is stable between runs).
    """
    errors = sorted(
        _validator(schema_name).iter_errors(data),
        key=lambda err: [str(part) for part in err.absolute_path],
    )
    if errors:
        # For an if/then/else schema the real error is nested in the context; prefer the
        # deepest one, which points at the field the editor has to change.
        first = jsonschema.exceptions.best_match(errors) or errors[0]
        more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
        raise ContentError(file, first.absolute_path, f"{first.message}{more}")


def _source(raw: Mapping[str, Any]) -> Source:
    return Source(
        source=raw["source"],
        checked=raw["checked"],
        verified=bool(raw["verified"]),
        supports=raw["supports"],
    )


def _organisation(org_id: str, raw: Mapping[str, Any]) -> Organisation:
    field_sources = {
        name: FieldSource(source=spec["source"], checked=spec["checked"], note=spec.get("note"))
        for name, spec in (raw.get("field_sources") or {}).items()
    }
    return Organisation(
        id=org_id,
        kind=raw["kind"],
        name=raw["name"],
        address=raw.get("address"),
        phone=raw.get("phone"),
        website=raw.get("website"),
        opening_hours=raw.get("opening_hours"),
        source=raw["source"],
        checked=raw["checked"],
        verified=bool(raw["verified"]),
        about=MappingProxyType(dict(raw.get("about") or {})),
        field_sources=MappingProxyType(field_sources),
        fallback=raw.get("fallback"),
        review_note=raw.get("review_note"),
    )


# --------------------------------------------------------------------------- info topics


def load_info_topic(path: Path) -> InfoTopic:
    """Load and validate one information answer file."""
    data = _read_yaml(path)
    validate(data, "info_topic.schema.json", path)
    if data["id"] != path.stem:
        # The id is what the bot and the other content refer to; a mismatch with the file
        # name is almost always a copy-paste slip.
        raise ContentError(path, ("id",), f"id {data['id']!r} must equal the file name {path.stem!r}")
    sources = tuple(_source(raw) for raw in data["sources"])
    if data["verified"] and not all(source.verified for source in sources):
        raise ContentError(
            path, ("verified",), "verified is true but at least one source has verified: false"
        )
    steps = {lang: tuple(items) for lang, items in (data.get("steps") or {}).items()}
    amounts = tuple(
        Amount(
            what=raw["what"],
            value=raw["value"],
            indexed_yearly=bool(raw["indexed_yearly"]),
            source=raw["source"],
            checked=raw["checked"],
            year=raw.get("year"),
        )
        for raw in data.get("amounts") or ()
    )
    if any(amount.indexed_yearly for amount in amounts) and not data.get("indexed_yearly"):
        raise ContentError(
            path,
            ("indexed_yearly",),
            "an amount is indexed yearly, so the topic must say indexed_yearly: true",
        )
    return InfoTopic(
        id=data["id"],
        audience=tuple(data["audience"]),
        title=MappingProxyType(dict(data["title"])),
        text=MappingProxyType(dict(data["text"])),
        steps=MappingProxyType(steps),
        sources=sources,
        checked=data["checked"],
        verified=bool(data["verified"]),
        indexed_yearly=bool(data.get("indexed_yearly", False)),
        amounts=amounts,
        related=tuple(data.get("related") or ()),
        review_note=data.get("review_note"),
        file=str(path),
    )


def _load_info_dir(directory: Path) -> Mapping[str, InfoTopic]:
    topics: dict[str, InfoTopic] = {}
    for path in sorted(directory.glob("*.yml")):
        topic = load_info_topic(path)
        topics[topic.id] = topic
    for topic in topics.values():
        for index, related in enumerate(topic.related):
            if related not in topics:
                raise ContentError(topic.file, ("related", index), f"unknown topic {related!r}")
    return MappingProxyType(topics)


@functools.cache
def _cached_info(directory: str) -> Mapping[str, InfoTopic]:
    return _load_info_dir(Path(directory))


def load_info_topics(directory: Path | None = None) -> Mapping[str, InfoTopic]:
    """All information answers keyed by id (read once, then cached)."""
    return _cached_info(str(directory or INFO_DIR))


def get_info_topic(topic_id: str) -> InfoTopic:
    """One information answer by id; KeyError when there is no such topic."""
    return load_info_topics()[topic_id]


def info_text(topic_id: str, lang: str = PRIMARY_LANGUAGE) -> str:
    """The chat text of a topic in ``lang`` (Dutch when that language is missing)."""
    return get_info_topic(topic_id).text_in(lang)


# --------------------------------------------------------------------------- referrals


def _check_contact_sources(file: Path, path: tuple[Any, ...], org: Organisation) -> None:
    for name in CONTACT_FIELDS:
        if getattr(org, name) and not org.source_of(name):
            raise ContentError(file, (*path, name), "filled in without a source")


def load_flanders(path: Path | None = None) -> FlandersData:
    """Load and validate the Flanders-wide options file (cached)."""
    return _cached_flanders(str(path or REFERRALS_DIR / "flanders.yml"))


@functools.cache
def _cached_flanders(path_str: str) -> FlandersData:
    path = Path(path_str)
    data = _read_yaml(path)
    validate(data, "referral.schema.json", path)
    if data["kind"] != "flanders":
        raise ContentError(path, ("kind",), "expected kind: flanders")
    orgs = {org_id: _organisation(org_id, raw) for org_id, raw in data["organisations"].items()}
    for org_id, org in orgs.items():
        _check_contact_sources(path, ("organisations", org_id), org)
        if org.fallback and org.fallback not in orgs:
            raise ContentError(
                path, ("organisations", org_id, "fallback"), f"unknown organisation {org.fallback!r}"
            )

    def pick(key: str) -> tuple[Organisation, ...]:
        picked = []
        for index, org_id in enumerate(data[key]):
            if org_id not in orgs:
                raise ContentError(path, (key, index), f"unknown organisation {org_id!r}")
            picked.append(orgs[org_id])
        return tuple(picked)

    return FlandersData(
        checked=data["checked"],
        organisations=MappingProxyType(orgs),
        general=pick("general"),
        emergency=pick("emergency"),
        review_note=data.get("review_note"),
        file=str(path),
    )


def load_region(path: Path, flanders: FlandersData | None = None) -> RegionData:
    """Load and validate one region file.

    Service references (``caw: caw_limburg``) and fallbacks are resolved against the
    region's own organisations first and then the Flanders-wide ones. Besides the schema,
    this checks what a schema cannot: references exist, every filled-in contact field has
    a source, and no postcode or name points to two municipalities.
    """
    return _cached_region(str(path), str(flanders.file) if flanders else "")


@functools.cache
def _cached_region(path_str: str, flanders_file: str) -> RegionData:
    path = Path(path_str)
    flanders = load_flanders(Path(flanders_file)) if flanders_file else load_flanders()
    data = _read_yaml(path)
    validate(data, "referral.schema.json", path)
    if data["kind"] != "region":
        raise ContentError(path, ("kind",), "expected kind: region")

    own = {org_id: _organisation(org_id, raw) for org_id, raw in data["organisations"].items()}
    known = {**flanders.organisations, **own}
    for org_id, org in own.items():
        _check_contact_sources(path, ("organisations", org_id), org)
        if org.fallback and org.fallback not in known:
            raise ContentError(
                path, ("organisations", org_id, "fallback"), f"unknown organisation {org.fallback!r}"
            )

    municipalities: list[Municipality] = []
    postcode_owner: dict[str, str] = {}
    for index, raw in enumerate(data["municipalities"]):
        where: tuple[Any, ...] = ("municipalities", index)
        services: dict[str, Organisation] = {}
        for role in SERVICE_ROLES:
            value = raw["services"][role]
            if isinstance(value, str):
                if value not in known:
                    raise ContentError(path, (*where, "services", role), f"unknown organisation {value!r}")
                services[role] = known[value]
            else:
                org = _organisation(f"{raw['id']}_{role}", value)
                _check_contact_sources(path, (*where, "services", role), org)
                if org.fallback and org.fallback not in known:
                    raise ContentError(
                        path, (*where, "services", role, "fallback"), f"unknown organisation {org.fallback!r}"
                    )
                services[role] = org
        for pc_index, postcode in enumerate(raw["postcodes"]):
            if postcode in postcode_owner:
                raise ContentError(
                    path,
                    (*where, "postcodes", pc_index),
                    f"postcode {postcode} already belongs to {postcode_owner[postcode]}",
                )
            postcode_owner[postcode] = raw["name"]
        former = tuple(
            FormerMunicipality(
                name=item["name"], merged_on=item["merged_on"], postcodes=tuple(item["postcodes"])
            )
            for item in raw.get("former_municipalities") or ()
        )
        for f_index, item in enumerate(former):
            stray = sorted(set(item.postcodes) - set(raw["postcodes"]))
            if stray:
                raise ContentError(
                    path,
                    (*where, "former_municipalities", f_index, "postcodes"),
                    f"postcodes {stray} are not listed under the municipality itself",
                )
        municipalities.append(
            Municipality(
                id=raw["id"],
                name=raw["name"],
                postcodes=tuple(raw["postcodes"]),
                former_municipalities=former,
                sections=tuple(raw["sections"]),
                other_names=tuple(raw.get("other_names") or ()),
                vredegerecht_canton=raw.get("vredegerecht_canton"),
                services=MappingProxyType(services),
            )
        )
    ids = [m.id for m in municipalities]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ContentError(path, ("municipalities",), f"duplicate municipality ids {duplicates}")

    return RegionData(
        id=data["id"],
        name=MappingProxyType(dict(data["name"])),
        as_of=data["as_of"],
        checked=data["checked"],
        verified=bool(data["verified"]),
        sources=tuple(_source(raw) for raw in data["sources"]),
        ambiguous_names=frozenset(data["ambiguous_names"]["names"]),
        organisations=MappingProxyType(own),
        municipalities=tuple(municipalities),
        review_note=data.get("review_note"),
        file=str(path),
    )


def region_files(directory: Path | None = None) -> tuple[Path, ...]:
    """Every ``kind: region`` file in the referrals folder (sibling files = more regions)."""
    found = []
    for path in sorted((directory or REFERRALS_DIR).glob("*.yml")):
        if _read_yaml(path).get("kind") == "region":
            found.append(path)
    return tuple(found)


def load_regions(directory: Path | None = None) -> Mapping[str, RegionData]:
    """All covered regions keyed by id (each file read once, then cached)."""
    return _cached_regions(str(directory or REFERRALS_DIR))


@functools.cache
def _cached_regions(directory: str) -> Mapping[str, RegionData]:
    regions: dict[str, RegionData] = {}
    for path in region_files(Path(directory)):
        region = load_region(path)
        if region.id in regions:
            raise ContentError(path, ("id",), f"region id {region.id!r} is used by two files")
        regions[region.id] = region
    return MappingProxyType(regions)


# --------------------------------------------------------------------------- utilities


def validate_all() -> None:
    """Load every content file once; raises ContentError on the first problem.

    Meant for CI and for a start-up check in the action server.
    """
    load_info_topics()
    load_flanders()
    load_regions()


def clear_cache() -> None:
    """Forget everything read so far (tests, or after editing content in a running process)."""
    for cached in (_cached_info, _cached_flanders, _cached_region, _cached_regions, _validator):
        cached.cache_clear()

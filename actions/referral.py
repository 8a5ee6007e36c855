"""Referral lookup: where can this tenant (or landlord) get help nearby?

``find_referrals("3500")`` or ``find_referrals("borgloon")`` returns the local OCMW, CAW,
tenants' union, justice of the peace and legal-aid desk for the municipality, plus the
Flanders-wide options and emergency numbers. Pre-2025 municipality names and their
postcodes resolve to the merged municipality (Kortessem -> Hasselt, Borgloon ->
Tongeren-Borgloon, ...), because tenants keep using the names on their letters.

Rules this module keeps:

* It never invents contact data: every organisation comes from the content files, where
  unsourced fields are ``None`` and a sourced general channel is given as ``fallback``.
* Outside the covered regions it says so (``covered=False``) and returns only the
  Flanders-wide options, never a guessed local office.
* When a place name is ambiguous (it also exists outside Limburg, or the spelling is far
  off) it does not guess either: ``needs_confirmation=True`` with ``candidates``, so the
  bot asks for the postcode before sending someone to an OCMW.

Pure module: no Rasa imports; data is loaded lazily on the first lookup.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from actions import content_store
from actions.content_store import ContentError, Municipality, Organisation, RegionData

MatchKind = Literal["postcode", "name", "former_name", "other_name", "section"]

# When one normalised key is several kinds of name, the most specific wins: a current
# municipality name beats an old name, which beats a French name, which beats a section.
_KIND_RANK: dict[str, int] = {"name": 0, "former_name": 1, "other_name": 2, "section": 3}

# A typo this close to a known name (difflib ratio) is accepted as that name; below it the
# bot must ask. 0.88 accepts one wrong, missing or swapped letter in names of 8+ letters
# ("tongren", "kortesem", "hasslt") but not a different place that merely looks alike.
_FUZZY_ACCEPT = 0.88
_FUZZY_SUGGEST = 0.8

# Words a tenant may type around a place name ("ik woon in Tongeren", "gemeente Bree").
# fmt: off
_FILLER = frozenset(
    {
        # nl
        "ik", "woon", "wonen", "in", "te", "de", "het", "stad", "gemeente", "deelgemeente",
        "postcode", "regio", "bij", "buurt", "van", "provincie", "limburg", "je", "jij", "mijn",
        # fr (accents are already folded away by normalise_place)
        "j", "habite", "a", "la", "commune", "ville",
        # en
        "i", "live", "the", "town",
    }
)
# fmt: on
_POSTCODE_RE = re.compile(r"(?<!\d)([1-9]\d{3})(?!\d)")


@dataclass(frozen=True)
class Referral:
    """One local service for a municipality.

    ``organisation`` may lack contact fields (they were not sourced); ``fallback`` is then
    the sourced general channel to show instead.
    """

    role: str
    organisation: Organisation
    fallback: Organisation | None


@dataclass(frozen=True)
class ReferralResult:
    """Outcome of a lookup.

    * ``covered``: the place was resolved to one municipality in a covered region and
      ``local`` lists its services.
    * ``recognised``: the query matched something we know (even if ambiguous).
    * ``needs_confirmation``: ask the user for a postcode (``candidates`` lists the
      municipalities we think of); ``local`` is empty in that case on purpose.
    * ``flanders_wide`` and ``emergency`` are always filled.
    """

    query: str
    covered: bool
    recognised: bool
    region: str | None = None
    municipality: str | None = None
    municipality_id: str | None = None
    postcode: str | None = None
    matched_on: MatchKind | None = None
    matched_name: str | None = None
    former_municipality: str | None = None
    merged_on: str | None = None
    fuzzy: bool = False
    needs_confirmation: bool = False
    candidates: tuple[str, ...] = ()
    vredegerecht_canton: str | None = None
    local: tuple[Referral, ...] = ()
    flanders_wide: tuple[Organisation, ...] = ()
    emergency: tuple[Organisation, ...] = ()

    def service(self, role: str) -> Referral | None:
        """The local referral for ``role`` (``ocmw``, ``caw``, ...), if covered."""
        for referral in self.local:
            if referral.role == role:
                return referral
        return None


@dataclass(frozen=True)
class _Entry:
    region: RegionData
    municipality: Municipality
    kind: MatchKind
    display: str
    former: str | None = None
    merged_on: str | None = None


@dataclass(frozen=True)
class _Index:
    postcodes: dict[str, _Entry]
    names: dict[str, tuple[_Entry, ...]]
    ambiguous: frozenset[str]


def normalise_place(text: str) -> str:
    """Normalise a place name for matching.

    Case, accents, apostrophes and punctuation are ignored and "St"/"St." means "Sint",
    so "Sint-Truiden", "st truiden" and "ST.-TRUIDEN" all become ``"sint truiden"`` and
    "Fourons-le-Comte" / "fourons le comte" match too.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = re.sub(r"['’`]", "", folded)
    tokens = re.sub(r"[^a-z0-9]+", " ", folded).split()
    return " ".join("sint" if word == "st" else word for word in tokens)


def _keys(name: str) -> set[str]:
    spaced = normalise_place(name)
    # "bilzenhoeselt" (typed without the hyphen) must still match "Bilzen-Hoeselt".
    return {spaced, spaced.replace(" ", "")} - {""}


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    postcodes: dict[str, _Entry] = {}
    names: dict[str, list[_Entry]] = {}
    ambiguous: set[str] = set()
    for region in content_store.load_regions().values():
        ambiguous.update(normalise_place(name) for name in region.ambiguous_names)
        for municipality in region.municipalities:
            former_of = {
                postcode: former
                for former in municipality.former_municipalities
                for postcode in former.postcodes
            }
            for postcode in municipality.postcodes:
                if postcode in postcodes:
                    # Two region files claiming the same postcode would send a tenant to
                    # two different OCMWs; refuse instead of picking one.
                    raise ContentError(
                        region.file,
                        ("municipalities", municipality.id, "postcodes"),
                        f"postcode {postcode} is also in {postcodes[postcode].region.id}",
                    )
                former = former_of.get(postcode)
                postcodes[postcode] = _Entry(
                    region,
                    municipality,
                    "postcode",
                    postcode,
                    former.name if former else None,
                    former.merged_on if former else None,
                )
            labelled: list[tuple[str, MatchKind, str | None, str | None]] = [
                (municipality.name, "name", None, None)
            ]
            labelled += [
                (f.name, "former_name", f.name, f.merged_on) for f in municipality.former_municipalities
            ]
            labelled += [(n, "other_name", None, None) for n in municipality.other_names]
            labelled += [(s, "section", None, None) for s in municipality.sections]
            for label, kind, former_name, merged_on in labelled:
                entry = _Entry(region, municipality, kind, label, former_name, merged_on)
                for key in _keys(label):
                    names.setdefault(key, []).append(entry)
    return _Index(
        postcodes=postcodes,
        names={key: tuple(entries) for key, entries in names.items()},
        ambiguous=frozenset(ambiguous),
    )


def flanders_wide_options() -> tuple[Organisation, ...]:
    """The general Flanders-wide options (CAW, tenants' unions, legal aid), in order."""
    return content_store.load_flanders().general


def emergency_options() -> tuple[Organisation, ...]:
    """Emergency numbers and crisis helplines (112, 101, 1813, 1712), in order."""
    return content_store.load_flanders().emergency


def _fallback(region: RegionData, org: Organisation) -> Organisation | None:
    if not org.fallback:
        return None
    flanders = content_store.load_flanders()
    return region.organisations.get(org.fallback) or flanders.organisations.get(org.fallback)


def _base(query: str) -> ReferralResult:
    return ReferralResult(
        query=query,
        covered=False,
        recognised=False,
        flanders_wide=flanders_wide_options(),
        emergency=emergency_options(),
    )


def _resolved(
    base: ReferralResult, entry: _Entry, *, fuzzy: bool = False, postcode: str | None = None
) -> ReferralResult:
    region, municipality = entry.region, entry.municipality
    local = tuple(
        Referral(role, municipality.services[role], _fallback(region, municipality.services[role]))
        for role in content_store.SERVICE_ROLES
    )
    return ReferralResult(
        query=base.query,
        covered=True,
        recognised=True,
        region=region.id,
        municipality=municipality.name,
        municipality_id=municipality.id,
        postcode=postcode,
        matched_on=entry.kind,
        matched_name=entry.display,
        former_municipality=entry.former,
        merged_on=entry.merged_on,
        fuzzy=fuzzy,
        vredegerecht_canton=municipality.vredegerecht_canton,
        local=local,
        flanders_wide=base.flanders_wide,
        emergency=base.emergency,
    )


def _ask(
    base: ReferralResult, entries: tuple[_Entry, ...], *, fuzzy: bool, postcode: str | None = None
) -> ReferralResult:
    names = tuple(dict.fromkeys(entry.municipality.name for entry in entries))
    best = entries[0]
    return ReferralResult(
        query=base.query,
        covered=False,
        recognised=True,
        region=best.region.id if len({e.region.id for e in entries}) == 1 else None,
        postcode=postcode,
        matched_on=best.kind,
        matched_name=best.display,
        fuzzy=fuzzy,
        needs_confirmation=True,
        candidates=names,
        flanders_wide=base.flanders_wide,
        emergency=base.emergency,
    )


def _best(entries: tuple[_Entry, ...]) -> tuple[_Entry, ...]:
    """Entries of the most specific kind, one per municipality."""
    top = min(_KIND_RANK[entry.kind] for entry in entries)
    chosen: dict[str, _Entry] = {}
    for entry in entries:
        if _KIND_RANK[entry.kind] == top:
            chosen.setdefault(f"{entry.region.id}/{entry.municipality.id}", entry)
    return tuple(chosen.values())


def _match_name(text: str, index: _Index) -> tuple[tuple[_Entry, ...], float, str] | None:
    """Find the place in ``text``: exact, then inside a sentence, then by spelling.

    Returns (entries, similarity, matched key) or None.
    """
    normalised = normalise_place(text)
    if not normalised:
        return None
    for key in (normalised, normalised.replace(" ", "")):
        if key in index.names:
            return index.names[key], 1.0, key
    tokens = [token for token in normalised.split() if token not in _FILLER]
    if tokens:
        # Longest run of words first, so "tongeren borgloon" wins over "tongeren". Inside
        # a sentence only municipality names (current, former, other-language) count:
        # section names such as "Mal", "Beek" or "Paal" are ordinary words too.
        for size in range(len(tokens), 0, -1):
            for start in range(len(tokens) - size + 1):
                key = " ".join(tokens[start : start + size])
                entries = tuple(e for e in index.names.get(key, ()) if e.kind != "section")
                if entries and (size == len(tokens) or len(key) >= 4):
                    return entries, 1.0, key
        stripped = " ".join(tokens)
    else:
        stripped = normalised
    close = difflib.get_close_matches(stripped, list(index.names), n=3, cutoff=_FUZZY_SUGGEST)
    if not close:
        return None
    score = difflib.SequenceMatcher(None, stripped, close[0]).ratio()
    return index.names[close[0]], score, close[0]


def find_referrals(query: str) -> ReferralResult:
    """Look up local help for a postcode or municipality name.

    Accepts "3500", "3500 Hasselt", "Tongeren", "borgloon", "Bilzen-Hoeselt",
    "Kortessem", "St-Truiden", "ik woon in Tongeren" and small typos ("Tongren").
    Old (pre-merger) names and their postcodes resolve to the merged municipality and
    report it in ``former_municipality``/``merged_on``.

    Unknown or uncovered places give ``covered=False`` with only the Flanders-wide
    options; ambiguous ones give ``needs_confirmation=True`` and ``candidates``.
    """
    text = (query or "").strip()
    base = _base(text)
    if not text:
        return base
    index = _index()

    postcode_match = _POSTCODE_RE.search(text)
    postcode = postcode_match.group(1) if postcode_match else None
    if postcode and postcode in index.postcodes:
        # A postcode is unambiguous (one municipality per postcode), so it wins over any
        # name typed next to it.
        return _resolved(base, index.postcodes[postcode], postcode=postcode)

    name_text = _POSTCODE_RE.sub(" ", text)
    match = _match_name(name_text, index)
    if match is None:
        # Includes valid postcodes outside the covered regions (9000 Gent, 1000 Brussel):
        # say we do not cover them rather than guess a local office.
        return ReferralResult(
            query=text,
            covered=False,
            recognised=False,
            postcode=postcode,
            flanders_wide=base.flanders_wide,
            emergency=base.emergency,
        )
    entries, score, key = match
    best = _best(entries)
    fuzzy = score < 1.0
    doubtful = (
        len(best) > 1
        or key in index.ambiguous
        or (fuzzy and score < _FUZZY_ACCEPT)
        # A postcode that is not ours next to a name that is: one of them is wrong.
        or postcode is not None
    )
    if doubtful:
        return _ask(base, best, fuzzy=fuzzy, postcode=postcode)
    return _resolved(base, best[0], fuzzy=fuzzy)


def clear_cache() -> None:
    """Drop the lookup index and the loaded content (tests, or after editing content)."""
    _index.cache_clear()
    content_store.clear_cache()

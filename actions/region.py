"""Which Belgian region a place is in: the bot's content is for Flanders.

Belgian postcodes follow the provinces (bpost): 1000-1299 the Brussels-Capital Region,
1300-1499 Walloon Brabant, 1500-1999 and 3000-3499 Flemish Brabant, 2000-2999 Antwerp,
3500-3999 Limburg, 4000-7999 the Walloon provinces (Liège, Namur, Luxembourg, Hainaut),
8000-8999 West Flanders, 9000-9999 East Flanders. Without a postcode, the 19 Brussels
municipalities and the larger Walloon towns are recognised by name (Dutch, French and
English spellings). Anything else is ``None``: the caller keeps its own answer.

Pure module: no Rasa imports, no I/O.
"""

from __future__ import annotations

import re
from typing import Literal

from actions.referral import normalise_place

Region = Literal["brussels", "wallonia", "flanders"]

_POSTCODE_RE = re.compile(r"(?<!\d)([1-9]\d{3})(?!\d)")

# fmt: off
_BRUSSELS = (
    "brussel", "bruxelles", "brussels", "brussels hoofdstedelijk gewest", "anderlecht",
    "oudergem", "auderghem", "sint agatha berchem", "berchem sainte agathe", "etterbeek",
    "evere", "vorst", "forest", "ganshoren", "elsene", "ixelles", "jette", "koekelberg",
    "sint jans molenbeek", "molenbeek saint jean", "molenbeek", "sint gillis", "saint gilles",
    "sint joost ten node", "saint josse ten noode", "schaarbeek", "schaerbeek", "ukkel",
    "uccle", "watermaal bosvoorde", "watermael boitsfort", "sint lambrechts woluwe",
    "woluwe saint lambert", "sint pieters woluwe", "woluwe saint pierre",
)
_WALLONIA = (
    "wallonie", "wallonia", "wallonië", "waals gewest", "region wallonne", "luik", "liege", "namen", "namur",
    "charleroi", "mons", "doornik", "tournai", "waver", "wavre", "aarlen", "arlon",
    "verviers", "seraing", "la louviere", "moeskroen", "mouscron", "nijvel", "nivelles",
    "ottignies", "louvain la neuve", "eupen", "sankt vith", "saint vith", "hoei", "huy",
    "bastenaken", "bastogne", "dinant", "marche en famenne", "spa", "malmedy",
)
# fmt: on
_NAMES: dict[str, Region] = {
    **{normalise_place(name): "wallonia" for name in _WALLONIA},
    **{normalise_place(name): "brussels" for name in _BRUSSELS},
}
_LONGEST = max(len(name.split()) for name in _NAMES)


def region_of_postcode(postcode: str) -> Region | None:
    """The region of a four-digit Belgian postcode, ``None`` when it is not one."""
    if not (len(postcode) == 4 and postcode.isdigit()) or postcode.startswith("0"):
        return None
    number = int(postcode)
    if number < 1300:
        return "brussels"
    if number < 1500 or 4000 <= number < 8000:
        return "wallonia"
    return "flanders"


def region_of(text: str) -> Region | None:
    """The region a tenant's place answer points to ("1000", "ik woon in Brussel", "Liège")."""
    match = _POSTCODE_RE.search(text or "")
    if match:
        return region_of_postcode(match.group(1))
    tokens = normalise_place(text or "").split()
    for size in range(min(_LONGEST, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            region = _NAMES.get(" ".join(tokens[start : start + size]))
            if region:
                return region
    return None

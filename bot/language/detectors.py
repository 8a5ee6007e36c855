"""The statistical detectors, built on first use under a lock and read-only afterwards.

langdetect (seeded; restricted to our eight languages, or with all its 55 profiles to name
languages we do not speak) and lingua (restricted to our six Latin-script languages, or
wide in low-accuracy mode as a second opinion). lingua needs about two seconds and 200 MB
to build.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from vocabulary.languages import ALL_LANGUAGES

#: langdetect is random unless seeded.
SEED = 0

LATIN_CANDIDATES: tuple[str, ...] = tuple(code for code in ALL_LANGUAGES if code not in {"ar", "uk"})

_lock = threading.Lock()
_restricted_factory: DetectorFactory | None = None
_full_factory: DetectorFactory | None = None
_lingua_detector: Any = None
_lingua_wide_detector: Any = None

#: Latin-script languages we do not speak that lingua is asked about, besides our six: the
#: ones tenants in Flanders write and the ones our six are mistaken for on short text.
_WIDE_LINGUA_NAMES: tuple[str, ...] = (
    "GERMAN",
    "SPANISH",
    "ITALIAN",
    "PORTUGUESE",
    "ALBANIAN",
    "SOMALI",
    "AFRIKAANS",
    "SWAHILI",
    "TAGALOG",
    "INDONESIAN",
    "VIETNAMESE",
    "CROATIAN",
    "BOSNIAN",
    "CZECH",
    "SLOVAK",
    "SLOVENE",
    "HUNGARIAN",
    "LITHUANIAN",
    "LATVIAN",
    "ESTONIAN",
    "DANISH",
    "SWEDISH",
    "BOKMAL",
    "FINNISH",
    "CATALAN",
    "YORUBA",
    "AZERBAIJANI",
)


def _factory_for(codes: Iterable[str]) -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_json_profile(
        [(Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8") for code in codes]
    )
    factory.set_seed(SEED)
    return factory


def langdetect_restricted() -> DetectorFactory:
    """langdetect knowing only the candidates: short Flemish can then never be Afrikaans."""
    global _restricted_factory
    with _lock:
        if _restricted_factory is None:
            _restricted_factory = _factory_for(ALL_LANGUAGES)
        return _restricted_factory


def langdetect_full() -> DetectorFactory:
    """langdetect with all its 55 profiles, only to name languages we do not support."""
    global _full_factory
    with _lock:
        if _full_factory is None:
            _full_factory = _factory_for(sorted(os.listdir(PROFILES_DIRECTORY)))
        return _full_factory


def _lingua_latin_candidates() -> list[Any]:
    """lingua's Language values for our Latin-script candidates (imported lazily)."""
    from lingua import IsoCode639_1, Language

    return [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in LATIN_CANDIDATES]


def _lingua() -> Any:
    """lingua restricted to the Latin-script candidates, high-accuracy models preloaded.

    Preloading makes every later call read-only, so one detector is safe to share between
    threads. Arabic and Ukrainian need no model: the script decides them.
    """
    global _lingua_detector
    with _lock:
        if _lingua_detector is None:
            from lingua import LanguageDetectorBuilder

            _lingua_detector = (
                LanguageDetectorBuilder.from_languages(*_lingua_latin_candidates())
                .with_preloaded_language_models()
                .build()
            )
        return _lingua_detector


def lingua_wide() -> Any:
    """lingua over our six Latin-script languages and the unsupported ones above.

    Low-accuracy mode (trigrams only): about 60 MB instead of more than 500 MB. It is only
    a second opinion that must agree with langdetect before a language is named.
    """
    global _lingua_wide_detector
    with _lock:
        if _lingua_wide_detector is None:
            from lingua import Language, LanguageDetectorBuilder

            languages = _lingua_latin_candidates() + [getattr(Language, name) for name in _WIDE_LINGUA_NAMES]
            _lingua_wide_detector = (
                LanguageDetectorBuilder.from_languages(*languages)
                .with_low_accuracy_mode()
                .with_preloaded_language_models()
                .build()
            )
        return _lingua_wide_detector


def langdetect_probabilities(factory: DetectorFactory, text: str) -> dict[str, float]:
    try:
        detector = factory.create()
        detector.append(text)
        return {candidate.lang: candidate.prob for candidate in detector.get_probabilities()}
    except LangDetectException:
        return {}


def lingua_probabilities(text: str) -> dict[str, float]:
    values = _lingua().compute_language_confidence_values(text)
    # lingua sums in hash-map order, so the last bits vary between calls: round them off.
    return {value.language.iso_code_639_1.name.lower(): round(float(value.value), 9) for value in values}

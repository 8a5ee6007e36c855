"""Add a language: export what must be translated, check a translation, import it.

Everything a tenant reads lives in several files (the Rasa domain, the gateway texts,
the information topics, the referral descriptions, the console's canned replies). A
translator should not have to edit five file formats, so this tool moves one flat
*bundle* per language in and out:

    python scripts/i18n.py reference            # var/i18n/reference.{nl,en}.yml
    python scripts/i18n.py check tr             # var/i18n/tr.yml complete and consistent?
    python scripts/i18n.py import tr            # write it into the content files

A bundle has the sections ``responses`` (domain response -> text and button titles),
``texts`` (gateway texts), ``info`` (topic -> title, text, steps), ``referrals``
(organisation -> one-line description) and ``canned`` (console replies), plus ``review``:
a list of ``{key: "<section>.<id>", reason: "..."}`` a native speaker must check. Import
writes those review marks next to the text (a comment in YAML, a ``review`` field in
the content files), so they are not lost.

Import is idempotent: a language already present in a file is replaced there.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

ROOT = Path(__file__).resolve().parent.parent
I18N_DIR = ROOT / "var" / "i18n"
DOMAIN_DIR = ROOT / "rasa_project" / "domain"
INFO_DIR = ROOT / "actions" / "content" / "info"
REFERRAL_FILES = sorted((ROOT / "actions" / "content" / "referrals").glob("*.yml"))
CANNED_FILE = ROOT / "bot" / "console" / "canned_replies.yml"
LOCALES_DIR = ROOT / "bot" / "locales"

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _round_trip() -> YAML:
    """ruamel in a mode that leaves the content files as they are (checked: no diff)."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.representer.add_representer(
        type(None), lambda rep, _value: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return rt


# ------------------------------------------------------------------------ export


def _domain_responses(language: str) -> dict[str, dict[str, Any]]:
    """Response name -> {text, buttons} of ``language`` (the unconditioned one for nl)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            for variation in variations:
                conditions = variation.get("condition") or []
                lang = next((c["value"] for c in conditions if c.get("name") == "language"), "nl")
                if lang == language:
                    entry: dict[str, Any] = {"text": variation.get("text", "")}
                    if variation.get("buttons"):
                        entry["buttons"] = [button["title"] for button in variation["buttons"]]
                    found[name] = entry
    return found


def _gateway_texts(language: str) -> dict[str, str]:
    locale = LOCALES_DIR / f"{language}.yml"
    return dict(yaml.safe_load(locale.read_text(encoding="utf-8")) or {}) if locale.exists() else {}


def _info(language: str) -> dict[str, dict[str, Any]]:
    topics: dict[str, dict[str, Any]] = {}
    for path in sorted(INFO_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        entry = {"title": data["title"][language], "text": data["text"][language]}
        if data.get("steps"):
            entry["steps"] = list(data["steps"][language])
        topics[data["id"]] = entry
    return topics


def _referrals(language: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in REFERRAL_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for org_id, org in (data.get("organisations") or {}).items():
            if isinstance(org.get("about"), dict) and language in org["about"]:
                found[org_id] = org["about"][language]
        if isinstance(data.get("name"), dict) and language in data["name"]:
            found[f"region:{data['id']}"] = data["name"][language]
    return found


def _canned(language: str) -> list[dict[str, str]]:
    data = yaml.safe_load(CANNED_FILE.read_text(encoding="utf-8"))
    return [{"id": r["id"], "title": r["title"], "text": r["text"]} for r in data.get(language, [])]


def export(language: str) -> dict[str, Any]:
    """Everything a tenant or caseworker reads in ``language``, as one bundle."""
    return {
        "language": language,
        "responses": _domain_responses(language),
        "texts": _gateway_texts(language),
        "info": _info(language),
        "referrals": _referrals(language),
        "canned": _canned(language),
        "review": [],
    }


# ------------------------------------------------------------------------ check


def _placeholders(value: str) -> set[str]:
    return set(_PLACEHOLDER.findall(value))


def check(bundle: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    """Problems that would make ``bundle`` unusable; an empty list when it is complete."""
    problems: list[str] = []
    for section in ("responses", "texts", "info", "referrals"):
        ref, got = reference[section], bundle.get(section) or {}
        for key in ref:
            if key not in got:
                problems.append(f"{section}.{key}: missing")
        for key in got:
            if key not in ref:
                problems.append(f"{section}.{key}: not in the reference (misspelt key?)")
        for key, ref_value in ref.items():
            value = got.get(key)
            if value is None:
                continue
            ref_text = ref_value if isinstance(ref_value, str) else ref_value.get("text", "")
            text = value if isinstance(value, str) else (value or {}).get("text", "")
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{section}.{key}: empty text")
                continue
            if _placeholders(ref_text) != _placeholders(text):
                problems.append(
                    f"{section}.{key}: placeholders {sorted(_placeholders(text))} "
                    f"should be {sorted(_placeholders(ref_text))}"
                )
            if isinstance(ref_value, dict):
                for field in ("buttons", "steps"):
                    want = len(ref_value.get(field) or [])
                    have = len((value or {}).get(field) or [])
                    if want != have:
                        problems.append(f"{section}.{key}.{field}: {have} items, expected {want}")
                if section == "info" and not str((value or {}).get("title", "")).strip():
                    problems.append(f"{section}.{key}.title: empty")
    ref_ids = [item["id"] for item in reference["canned"]]
    got_ids = [item.get("id") for item in bundle.get("canned") or []]
    if ref_ids != got_ids:
        problems.append(f"canned: ids {got_ids} should be {ref_ids} (same order)")
    for item in bundle.get("review") or []:
        if not isinstance(item, dict) or "key" not in item:
            problems.append(f"review: entries need a 'key' and a 'reason': {item!r}")
    return problems


# ------------------------------------------------------------------------ import


def _review_reasons(bundle: dict[str, Any]) -> dict[str, str]:
    return {str(item["key"]): str(item.get("reason", "")) for item in bundle.get("review") or []}


def _variation(language: str, entry: dict[str, Any], buttons: list[Any]) -> CommentedMap:
    variation = CommentedMap()
    variation["condition"] = [CommentedMap(type="slot", name="language", value=language)]
    variation["text"] = entry["text"]
    if buttons:
        variation["buttons"] = [
            CommentedMap(title=title, payload=button["payload"])
            for title, button in zip(entry["buttons"], buttons, strict=True)
        ]
    return variation


def _language_of(variation: Any) -> str | None:
    for condition in variation.get("condition") or []:
        if condition.get("name") == "language":
            return str(condition.get("value"))
    return None


def _import_responses(language: str, bundle: dict[str, Any], reasons: dict[str, str], rt: YAML) -> None:
    review_line = re.compile(rf"^\s*# REVIEW\({re.escape(language)}\):.*\n", re.MULTILINE)
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        data = rt.load(review_line.sub("", path.read_text(encoding="utf-8")))
        responses = data.get("responses") or {}
        for name, variations in responses.items():
            # Idempotent: drop an earlier import of this language, then insert before the
            # unconditioned (Dutch) variation, which Rasa uses when no condition matches.
            for index in reversed(range(len(variations))):
                if _language_of(variations[index]) == language:
                    del variations[index]
            default_at = next(i for i, v in enumerate(variations) if not v.get("condition"))
            default = variations[default_at]
            entry = bundle["responses"][name]
            variations.insert(default_at, _variation(language, entry, default.get("buttons") or []))
        with path.open("w", encoding="utf-8") as handle:
            rt.dump(data, handle)
        _mark_for_review(path, language, responses, reasons)


def _mark_for_review(path: Path, language: str, responses: Any, reasons: dict[str, str]) -> None:
    """Write a ``# REVIEW(<lang>): reason`` comment above each uncertain variation."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for name in responses:
        note = reasons.get(f"responses.{name}")
        if not note:
            continue
        start = lines.index(f"  {name}:")
        for index in range(start + 1, len(lines)):
            if lines[index].startswith("  ") and not lines[index].startswith("   "):
                break  # the next response
            if lines[index].strip() == f"value: {language}" and lines[index - 1].strip() == "name: language":
                condition_at = index - 3
                lines.insert(condition_at, f"    # REVIEW({language}): {note}")
                break
    path.write_text("\n".join(lines), encoding="utf-8")


def _import_info(language: str, bundle: dict[str, Any], reasons: dict[str, str], rt: YAML) -> None:
    for path in sorted(INFO_DIR.glob("*.yml")):
        data = rt.load(path.read_text(encoding="utf-8"))
        entry = bundle["info"][data["id"]]
        data["title"][language] = entry["title"]
        data["text"][language] = entry["text"]
        if data.get("steps"):
            data["steps"][language] = list(entry["steps"])
        reason = reasons.get(f"info.{data['id']}")
        review = data.get("review")
        if reason:
            if review is None:
                data["review"] = review = {}
            review[language] = reason
        elif review is not None and language in review:
            del review[language]
        with path.open("w", encoding="utf-8") as handle:
            rt.dump(data, handle)


def _import_referrals(language: str, bundle: dict[str, Any], rt: YAML) -> None:
    for path in REFERRAL_FILES:
        data = rt.load(path.read_text(encoding="utf-8"))
        for org_id, org in (data.get("organisations") or {}).items():
            if isinstance(org.get("about"), dict) and org_id in bundle["referrals"]:
                org["about"][language] = bundle["referrals"][org_id]
        region = f"region:{data.get('id')}"
        if isinstance(data.get("name"), dict) and region in bundle["referrals"]:
            data["name"][language] = bundle["referrals"][region]
        with path.open("w", encoding="utf-8") as handle:
            rt.dump(data, handle)


def _import_canned(language: str, bundle: dict[str, Any], reasons: dict[str, str], rt: YAML) -> None:
    data = rt.load(CANNED_FILE.read_text(encoding="utf-8"))
    items = []
    for item in bundle["canned"]:
        row = {"id": item["id"], "title": item["title"], "text": item["text"]}
        if reasons.get(f"canned.{item['id']}"):
            row["review"] = reasons[f"canned.{item['id']}"]
        items.append(row)
    data[language] = items
    with CANNED_FILE.open("w", encoding="utf-8") as handle:
        rt.dump(data, handle)


def _import_texts(language: str, bundle: dict[str, Any], reasons: dict[str, str]) -> None:
    """Write the catalog; keys the bundle lacks but the catalog has (added later) stay."""
    path = LOCALES_DIR / f"{language}.yml"
    merged = dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}
    merged.update(bundle["texts"])
    lines = [
        f"# Gateway texts in {language} (bot/texts.py). Same keys in every language;",
        "# placeholders in {braces} stay as they are. REVIEW marks await a native speaker.",
    ]
    for key, value in merged.items():
        if reasons.get(f"texts.{key}"):
            lines.append(f"# REVIEW({language}): {reasons[f'texts.{key}']}")
        lines.append(yaml.safe_dump({key: value}, allow_unicode=True, width=100).rstrip("\n"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def import_bundle(language: str, bundle: dict[str, Any]) -> None:
    """Write ``bundle`` into every content file."""
    rt = _round_trip()
    reasons = _review_reasons(bundle)
    _import_responses(language, bundle, reasons, rt)
    _import_info(language, bundle, reasons, rt)
    _import_referrals(language, bundle, rt)
    _import_canned(language, bundle, reasons, rt)
    _import_texts(language, bundle, reasons)


# ------------------------------------------------------------------------ main


def _load_bundle(language: str) -> dict[str, Any]:
    path = I18N_DIR / f"{language}.yml"
    if not path.exists():
        raise SystemExit(f"{path} does not exist")
    bundle = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(bundle, dict):
        raise SystemExit(f"{path}: expected a mapping")
    return bundle


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("reference", help="write var/i18n/reference.nl.yml and reference.en.yml")
    for name in ("check", "import"):
        command = sub.add_parser(name)
        command.add_argument("language")
    args = parser.parse_args(argv)
    I18N_DIR.mkdir(parents=True, exist_ok=True)
    if args.command == "reference":
        for language in ("nl", "en"):
            path = I18N_DIR / f"reference.{language}.yml"
            path.write_text(
                yaml.safe_dump(export(language), allow_unicode=True, sort_keys=False, width=100),
                encoding="utf-8",
            )
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    bundle = _load_bundle(args.language)
    problems = check(bundle, export("nl"))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    if args.command == "check":
        print(f"{args.language}: complete")
        return 0
    import_bundle(args.language, bundle)
    print(f"{args.language}: imported")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The evidence bundle: a zip of every output and the journal, secrets redacted, with a SHA-256 manifest."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

REDACTED = "[REDACTED]"
MANIFEST = "MANIFEST.sha256"
JOURNAL = "journal.jsonl"

# Keys whose values are secrets, compared without case, '-', '_' or '.' (X-Hub-Signature-256,
# hub.verify_token, appsecret_proof, page_access_token, app_secret, Authorization ...).
_SECRET_SUFFIXES = ("token", "secret", "signature", "signature256", "appsecretproof", "password")
_SECRET_KEYS = {"authorization", "proof"}
# Secrets inside free text: query strings, raw bodies, headers quoted in error messages.
_TEXT_PATTERNS = [
    (re.compile(r"((?:access_token|appsecret_proof|hub\.verify_token|verify_token|client_secret)=)[^&\s\"'#]+"),
     rf"\1{REDACTED}"),
    (re.compile(r"(\"(?:access_token|appsecret_proof|app_secret|secret|verify_token|page_token)\"\s*:\s*\")[^\"]*"),
     rf"\1{REDACTED}"),
    (re.compile(r"\bsha(?:1|256)=[0-9a-fA-F]{40,64}\b"), REDACTED),
    # Facebook access tokens all start with EAA.
    (re.compile(r"\bEAA[A-Za-z0-9]{20,}"), REDACTED),
]
# Literal secrets shorter than this are not hunted for in free text: too likely to hit innocent words.
_MIN_LITERAL = 8


@lru_cache(maxsize=4096)
def is_secret_key(key: str) -> bool:
    """True when a dict key or header name names a secret."""
    norm = re.sub(r"[-_.\s]", "", key.lower())
    return norm in _SECRET_KEYS or norm.endswith(_SECRET_SUFFIXES)


def _collect(value: Any, found: set[str]) -> None:
    # dict, not Mapping: the ABC check is several times slower, and parsed JSON holds only dicts.
    if isinstance(value, dict):
        for key, item in value.items():
            if is_secret_key(str(key)) and isinstance(item, (str, int)) and not isinstance(item, bool):
                text = str(item)
                # Values the patterns already catch (every signature, EAA tokens) are not kept as
                # literals: a run has thousands of signatures, and each literal costs a scan.
                if len(text) >= _MIN_LITERAL and not any(p.search(text) for p, _ in _TEXT_PATTERNS):
                    found.add(text)
            else:
                _collect(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)


def secrets_in(*values: Any) -> set[str]:
    """Every string held under a secret-looking key, so it can also be removed from free text."""
    found: set[str] = set()
    for value in values:
        _collect(value, found)
    return found


def journal_secrets(journal_path: Path | None) -> set[str]:
    """Secret values held under secret-looking keys anywhere in a JSONL journal."""
    if journal_path is None:
        return set()
    found: set[str] = set()
    for line in Path(journal_path).read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            _collect(json.loads(line), found)
        except ValueError:
            continue
    return found


@lru_cache(maxsize=8)
def _literal_pattern(literals: frozenset[str]) -> re.Pattern[str] | None:
    if not literals:
        return None
    # Longest first, so a secret that contains another is removed whole.
    return re.compile("|".join(re.escape(x) for x in sorted(literals, key=len, reverse=True)))


def redact_text(text: str, literals: Iterable[str] = ()) -> str:
    """Free text with known secret values and secret-looking patterns replaced."""
    pattern = _literal_pattern(literals if isinstance(literals, frozenset) else frozenset(literals))
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    for regex, replacement in _TEXT_PATTERNS:
        text = regex.sub(replacement, text)
    return text


def redact(value: Any, literals: Iterable[str] | None = None) -> Any:
    """A deep copy with secret values replaced by [REDACTED] (keys and free text alike)."""
    known = frozenset(secrets_in(value) if literals is None else literals)

    def walk(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: (REDACTED if is_secret_key(str(k)) and item[k] not in (None, "") else walk(v))
                    for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v) for v in item]
        if isinstance(item, str):
            return redact_text(item, known)
        return item

    return walk(value)


def redact_jsonl(text: str, literals: Iterable[str] | None = None) -> str:
    """A JSONL journal with every entry redacted; lines that are not JSON get text redaction.

    `literals` are the secret values to hunt in free text; None collects them from the journal.
    """
    entries: list[Any] = []
    lines = text.splitlines()
    for line in lines:
        try:
            entries.append(json.loads(line))
        except ValueError:
            entries.append(None)
    if literals is None:
        known = frozenset(secrets_in([e for e in entries if e is not None]))
    else:
        known = frozenset(literals)
    out = []
    for line, entry in zip(lines, entries):
        if entry is None:
            out.append(redact_text(line, known))
        else:
            out.append(json.dumps(redact(entry, known), ensure_ascii=False, separators=(",", ":")))
    return "\n".join(out) + ("\n" if out else "")


def manifest(files: Mapping[str, bytes]) -> str:
    """sha256sum-format lines, one per file, sorted by name (check with `sha256sum -c`)."""
    return "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files))


def _date_time(stamp: str | None) -> tuple[int, int, int, int, int, int]:
    # A fixed timestamp (the run's end) makes the same run give a byte-identical zip.
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
        if moment.year >= 1980:
            return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    except ValueError:
        pass
    return (1980, 1, 1, 0, 0, 0)


def write_bundle(zip_path: Path, files: Mapping[str, bytes], *, journal_path: Path | None = None,
                 stamp: str | None = None, literals: Iterable[str] | None = None) -> Path:
    """Zip already-redacted outputs plus the redacted journal and MANIFEST.sha256; returns zip_path.

    `literals` are the secret values to remove from the journal's free text (render passes those
    found in results and journal alike); None collects them from the journal alone.
    """
    contents = dict(files)
    if journal_path is not None:
        raw = Path(journal_path).read_text(encoding="utf-8", errors="replace")
        contents[JOURNAL] = redact_jsonl(raw, literals).encode()
    contents[MANIFEST] = manifest(contents).encode()
    when = _date_time(stamp)
    zip_path = Path(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(contents):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, contents[name])
    return zip_path

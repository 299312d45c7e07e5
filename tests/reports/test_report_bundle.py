"""The evidence bundle: every output plus the journal, secrets redacted, with a SHA-256 manifest."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from report_synthetic import SECRETS

from reports.bundle import MANIFEST, REDACTED, is_secret_key, redact, redact_text, secrets_in
from reports.render import write_all


def signatures(results: dict[str, Any]) -> set[str]:
    return {value for r in results["results"] for e in r["journal"] if e.get("kind") == "delivery"
            for key, value in e["headers"].items() if "Signature" in key}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, results_data: dict[str, Any], journal_file: Path) -> Path:
    written = write_all(results_data, tmp_path_factory.mktemp("bundled"), journal_path=journal_file,
                        baseline=results_data, bundle=True)
    assert written.bundle is not None
    return written.bundle


def read_all(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_bundle_holds_every_output_and_the_journal(bundle: Path) -> None:
    names = set(read_all(bundle))
    assert {"index.html", "junit.xml", "cucumber.json", "summary.md", "results.json", "journal.jsonl",
            MANIFEST} <= names
    assert len([n for n in names if n.startswith("scenarios/")]) == 18


def test_manifest_lists_every_other_file_with_its_sha256(bundle: Path) -> None:
    files = read_all(bundle)
    lines = files[MANIFEST].decode().splitlines()
    assert all(re.fullmatch(r"[0-9a-f]{64}  \S.*", line) for line in lines)
    listed = {line[66:]: line[:64] for line in lines}
    assert set(listed) == set(files) - {MANIFEST}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name


def test_no_secret_survives_anywhere_in_the_bundle(bundle: Path, results_data: dict[str, Any]) -> None:
    secrets = set(SECRETS) | signatures(results_data) | {"EAAGtruncatedlinetoken1234567890"}
    assert len(secrets) > 10
    for name, data in read_all(bundle).items():
        text = data.decode()
        for secret in secrets:
            assert secret not in text, f"{secret[:12]}… in {name}"
        assert not re.search(r"sha256=[0-9a-f]{64}", text), name


def test_redaction_keeps_the_structure(bundle: Path) -> None:
    files = read_all(bundle)
    results = json.loads(files["results.json"])
    delivery = next(e for r in results["results"] for e in r["journal"] if e["kind"] == "delivery")
    assert delivery["headers"]["X-Hub-Signature-256"] == REDACTED
    assert delivery["headers"]["Content-Type"] == "application/json"
    assert delivery["body"]["object"] == "page", "bodies stay readable"
    graph = next(e for r in results["results"] for e in r["journal"] if e["kind"] == "graph")
    assert graph["query"] == {"access_token": REDACTED, "appsecret_proof": REDACTED}
    journal = files["journal.jsonl"].decode().splitlines()
    assert json.loads(journal[0])["kind"] == "control"
    assert journal[-1].startswith("not json:") and "access_token=[REDACTED]" in journal[-1]


def test_the_report_folder_itself_is_not_redacted(bundle: Path) -> None:
    # The local report keeps signatures: a developer debugging signing needs them.
    assert "sha256=" in (bundle.parent / "scenarios" / "HOP-ROUTE-001--hop_v2.html").read_text()


def test_same_input_gives_a_byte_identical_bundle(results_data: dict[str, Any], journal_file: Path,
                                                 tmp_path: Path) -> None:
    first = write_all(results_data, tmp_path / "a", journal_path=journal_file, bundle=True).bundle
    second = write_all(results_data, tmp_path / "b", journal_path=journal_file, bundle=True).bundle
    assert first is not None and second is not None
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("key, secret", [
    ("X-Hub-Signature-256", True), ("X-Hub-Signature", True), ("access_token", True), ("page_token", True),
    ("app_secret", True), ("appsecret_proof", True), ("hub.verify_token", True), ("Authorization", True),
    ("Content-Type", False), ("text", False), ("tokens_used", False), ("new_owner_app_id", False),
])
def test_secret_keys(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret


def test_redact_text_catches_tokens_in_urls_and_known_values() -> None:
    text = ("POST /v19.0/me/messages?access_token=EAAB1234567890abcdefghijkl&appsecret_proof=abc123 "
            "X-Hub-Signature-256: sha256=" + "a" * 64 + " my secret hunter2hunter2")
    out = redact_text(text, ["hunter2hunter2"])
    assert "EAAB" not in out and "abc123" not in out and "a" * 64 not in out and "hunter2" not in out
    assert out.count(REDACTED) == 4


def test_redact_does_not_change_its_input() -> None:
    data = {"headers": {"X-Hub-Signature-256": "sha256=" + "b" * 64}, "list": [{"secret": "s3cr3t-value"}]}
    copy = redact(data)
    assert data["headers"]["X-Hub-Signature-256"].startswith("sha256=")
    assert copy == {"headers": {"X-Hub-Signature-256": REDACTED}, "list": [{"secret": REDACTED}]}


def test_pattern_caught_values_are_not_kept_as_literals() -> None:
    # A real run holds thousands of signatures; each kept literal would cost a scan of every string.
    found = secrets_in({"headers": {"X-Hub-Signature-256": "sha256=" + "c" * 64, "X-Hub-Signature": "sha1=" + "d" * 40},
                        "query": {"access_token": "EAAB" + "x" * 30, "appsecret_proof": "p" * 64}})
    assert found == {"p" * 64}

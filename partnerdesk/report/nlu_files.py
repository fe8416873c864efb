"""Adding an accepted example to the right ``data/nlu/`` file, and what is already there.

Each FAQ's examples live in blocks ``- intent: faq/<id>`` in several files: the topic
files (``faq_membership.yml``, ``faq_licenses.yml``, ``faq_tokens_keys.yml``), the
bilingual ``faq.yml`` and the long messages of ``faq_long.yml``. A question of
:data:`LONG_WORDS` words or more goes to ``faq_long.yml``; any other to the FAQ's topic
file (``faq.yml`` if it has none). The line is added at the end of the block's examples,
the rest of the file untouched, and the file is read back to check it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator, List, Set

import yaml

from partnerdesk.report.training import normalise

LONG_WORDS = 25
CATCH_ALL = "faq.yml"
LONG = "faq_long.yml"
EXAMPLE_INDENT = "    - "


class NluFileError(Exception):
    """The example cannot be added; the message says why, for a person."""


def _intent_line(faq_id: str) -> str:
    return f"- intent: faq/{faq_id}"


def files_with(data_dir: Path, faq_id: str) -> List[Path]:
    """The NLU files with a block of examples for ``faq_id``, sorted by name."""
    line = _intent_line(faq_id)
    return sorted(
        path
        for path in data_dir.glob("*.yml")
        if any(row.strip() == line for row in path.read_text(encoding="utf-8").splitlines())
    )


def target_file(data_dir: Path, faq_id: str, text: str) -> Path:
    """The file a new example of ``faq_id`` goes to (see the module).

    Raises:
        NluFileError: No file holds examples of that FAQ.
    """
    found = files_with(data_dir, faq_id)
    if not found:
        raise NluFileError(f"no file in {data_dir} has examples of faq/{faq_id}")
    by_name = {path.name: path for path in found}
    if len(text.split()) >= LONG_WORDS and LONG in by_name:
        return by_name[LONG]
    topic = [p for p in found if p.name not in (CATCH_ALL, LONG)]
    return topic[0] if topic else by_name.get(CATCH_ALL, found[0])


def _example_lines(block: Any) -> List[str]:
    """The examples of one block of an NLU file (its ``- `` lines)."""
    lines = str(block.get("examples") or "").splitlines() if isinstance(block, dict) else []
    return [line.strip()[2:] for line in lines if line.strip().startswith("- ")]


def _examples(document: Any, faq_id: str) -> List[str]:
    for block in (document or {}).get("nlu") or []:
        if isinstance(block, dict) and block.get("intent") == f"faq/{faq_id}":
            return _example_lines(block)
    return []


def add_example(data_dir: Path, faq_id: str, text: str) -> Path:
    """Add ``text`` to the examples of ``faq_id``; the file written.

    Raises:
        NluFileError: No block for the FAQ, or the file would not read back as it should.
    """
    line = " ".join(text.split())
    path = target_file(data_dir, faq_id, line)
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, row in enumerate(rows) if row.strip() == _intent_line(faq_id))
    last = None
    for index in range(start + 1, len(rows)):
        row = rows[index]
        if row.startswith("- ") or (row.strip() and not row.startswith(" ")):
            break
        if row.startswith(EXAMPLE_INDENT):
            last = index
    if last is None:
        raise NluFileError(f"{path.name}: faq/{faq_id} has no examples block to add to")
    if not rows[last].endswith("\n"):
        rows[last] += "\n"
    rows.insert(last + 1, f"{EXAMPLE_INDENT}{line}\n")
    written = "".join(rows)
    try:
        examples = _examples(yaml.safe_load(written), faq_id)
    except yaml.YAMLError as error:
        raise NluFileError(f"{path.name} would not be valid YAML: {error}") from error
    if examples.count(line) != 1:
        raise NluFileError(f"{path.name}: the example would not read back as written")
    _write_atomically(path, written)
    return path


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def strings_in(node: Any) -> Iterator[str]:
    """Every string of a YAML document, at any depth."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def known_texts(data_dir: Path, never_trained: Iterable[Path] = ()) -> Set[str]:
    """Normalised training examples of ``data_dir``, and every string of ``never_trained``.

    Args:
        data_dir: The NLU training data folder.
        never_trained: Files or folders of YAML that must never become training data (the
            held-out sets, the test stories, the labelled unanswered questions); missing
            ones are skipped (a deployment may not have the tests).
    """
    known: Set[str] = set()
    for path in data_dir.glob("*.yml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            known |= {normalise(example) for example in _example_lines(block)}
    for place in never_trained:
        for path in sorted(place.glob("*.yml")) if place.is_dir() else [place]:
            if path.is_file():
                document = yaml.safe_load(path.read_text(encoding="utf-8"))
                known |= {normalise(text) for text in strings_in(document)}
    return known

"""Train the Rasa model only when its inputs changed.

The model file is named after a fingerprint of everything training reads
(config, domain, data, and the code of our own NLU components), so "is the
model current?" is a file lookup.
Usage: ``python -m partnerdesk.tools.model_build [--log FILE]`` prints the current
model's path, training it first if needed (with ``--log``, training's output goes to
FILE, and only a one-line notice, or the log's end if training fails, to the terminal).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional

from partnerdesk.core.paths import MODELS_DIR, PROJECT_ROOT

# Our NLU components and the core modules they use are training inputs too.
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "partnerdesk/nlu",
    "partnerdesk/core/ranking.py",
    "partnerdesk/core/language.py",
)
MODEL_PREFIX = "partnerdesk-"


def _training_files(root: Path) -> Iterable[Path]:
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".py"))
        else:
            yield path


def training_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A short hash of every file that training reads, and of their names."""
    digest = hashlib.sha256()
    for path in _training_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def current_model_path(root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current training inputs lives (or will)."""
    return MODELS_DIR / f"{MODEL_PREFIX}{training_fingerprint(root)}.tar.gz"


def ensure_model(root: Path = PROJECT_ROOT, log: Optional[Path] = None) -> Path:
    """Return the current model, training it with ``rasa train`` if it is missing.

    Raises:
        subprocess.CalledProcessError: Training failed.
    """
    model = current_model_path(root)
    if model.exists():
        return model
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    rasa = Path(sys.executable).with_name("rasa")
    command = [
        str(rasa),
        "train",
        "--fixed-model-name",
        model.name.removesuffix(".tar.gz"),
        "--out",
        str(MODELS_DIR),
    ]
    if log is None:
        # stdout carries only the model's path: training's own output goes to stderr.
        subprocess.run(command, cwd=root, env=env, check=True, stdout=sys.stderr)
        return model
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"Training the model: its inputs changed (about a minute; log: {log}).", file=sys.stderr)
    with log.open("wb") as output:
        subprocess.run(
            command, cwd=root, env=env, check=True, stdout=output, stderr=subprocess.STDOUT
        )
    return model


def main(argv: Optional[List[str]] = None) -> int:
    """Print the current model's path, training it first if needed; 1 if training fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, help="write training's output to this file")
    args = parser.parse_args(argv)
    try:
        print(ensure_model(log=args.log))
    except subprocess.CalledProcessError:
        if args.log and args.log.is_file():
            tail = args.log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
            print("\n".join(tail), file=sys.stderr)
        print("Training the model failed.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Train the Rasa model only when its inputs changed.

The model file is named after a fingerprint of everything training reads
(config, domain, data, and the code of our own NLU components), so "is the
model current?" is a file lookup.
Usage: ``python -m partnerdesk.model_build`` prints the current model's path,
training it first if needed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterable

from partnerdesk.paths import MODELS_DIR, PROJECT_ROOT

TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "partnerdesk/nlu")
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


def ensure_model(root: Path = PROJECT_ROOT) -> Path:
    """Return the current model, training it with ``rasa train`` if it is missing."""
    model = current_model_path(root)
    if model.exists():
        return model
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    rasa = Path(sys.executable).with_name("rasa")
    subprocess.run(
        [str(rasa), "train", "--fixed-model-name", model.name.removesuffix(".tar.gz"),
         "--out", str(MODELS_DIR)],
        cwd=root, env=env, check=True,
    )
    return model


if __name__ == "__main__":
    print(ensure_model())

"""Well-known locations inside the project."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = PROJECT_ROOT / "models"
VAR_DIR = PROJECT_ROOT / "var"
DATA_DIR = PROJECT_ROOT / "data"
DOMAIN_PATH = PROJECT_ROOT / "domain.yml"

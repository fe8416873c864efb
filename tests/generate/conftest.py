"""Shared fixtures for the FAQ importer tests: the real source page, catalogue and reviews."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from partnerdesk.core.knowledge import Knowledge, load_knowledge
from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.generate.corrections import Reviewed, load_reviewed
from partnerdesk.generate.generate import CatalogRow, ImportPaths, build_knowledge, read_catalog
from partnerdesk.generate.parser import ParsedPage, parse_page


@pytest.fixture(scope="session")
def project_paths() -> ImportPaths:
    """The importer's default inputs and outputs."""
    return ImportPaths.for_project(PROJECT_ROOT)


@pytest.fixture(scope="session")
def source_text(project_paths: ImportPaths) -> str:
    return project_paths.source.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def page(source_text: str) -> ParsedPage:
    """The real FAQ page, parsed, before corrections."""
    return parse_page(source_text)


@pytest.fixture(scope="session")
def catalog(project_paths: ImportPaths) -> List[CatalogRow]:
    return read_catalog(project_paths.catalog)


@pytest.fixture(scope="session")
def reviewed(project_paths: ImportPaths) -> Reviewed:
    return load_reviewed(project_paths.reviewed)


@pytest.fixture(scope="session")
def built_knowledge(project_paths: ImportPaths, reviewed: Reviewed) -> Knowledge:
    """The knowledge as the importer builds it now."""
    return build_knowledge(project_paths, reviewed)


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    """The committed knowledge file, as the bot reads it."""
    return load_knowledge()


@pytest.fixture(scope="session")
def responses(project_paths: ImportPaths) -> Dict[str, Any]:
    """The committed responses file's ``responses`` mapping."""
    return yaml.safe_load(project_paths.responses.read_text(encoding="utf-8"))["responses"]


@pytest.fixture
def tmp_paths(project_paths: ImportPaths, tmp_path: Path) -> ImportPaths:
    """The real inputs, with the outputs in a temporary folder."""
    return ImportPaths(
        source=project_paths.source,
        catalog=project_paths.catalog,
        reviewed=project_paths.reviewed,
        knowledge=tmp_path / "knowledge" / "faq.yml",
        responses=tmp_path / "responses" / "faq.yml",
        form_rules=tmp_path / "form_rules.yml",
    )

"""Shared fixtures: the sibling ``../shared`` conformance corpus, skipped cleanly when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance"
SAMPLES_EXPECTED = Path(__file__).resolve().parent / "data" / "samples_expected"


def conformance_pools() -> list[Path]:
    """The conformance pools, or an empty list without ``../shared``."""
    pools = CONFORMANCE / "pools"
    return sorted(pools.glob("*.csv")) if pools.is_dir() else []


@pytest.fixture
def shared_dir() -> Path:
    """``<repo>/../shared``; the test is skipped when it is not beside the repository."""
    if not CONFORMANCE.is_dir():
        pytest.skip(f"conformance corpus not found at {SHARED} (clone it beside the repository)")
    return SHARED


@pytest.fixture
def conformance_dir(shared_dir: Path) -> Path:
    """``../shared/conformance`` (pools/, expected/)."""
    return shared_dir / "conformance"

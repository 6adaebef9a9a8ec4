"""Shared fixtures: the sibling ``../shared`` conformance corpus, skipped cleanly when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance"
SAMPLES_EXPECTED = Path(__file__).resolve().parent / "data" / "samples_expected"


NO_CORPUS = f"conformance corpus not found at {SHARED} (clone it beside the repository)"


def conformance_pools() -> list[Path]:
    """The conformance pools, or an empty list without ``../shared``."""
    pools = CONFORMANCE / "pools"
    return sorted(pools.glob("*.csv")) if pools.is_dir() else []


def corpus_params(paths: list[Path]) -> list:
    """``paths`` as test parameters; without the corpus, one parameter skipped with the reason
    (an empty parameter list would only say "got empty parameter set")."""
    if paths:
        return paths
    return [pytest.param(None, marks=pytest.mark.skip(reason=NO_CORPUS), id="no-corpus")]


@pytest.fixture
def shared_dir() -> Path:
    """``<repo>/../shared``; the test is skipped when it is not beside the repository."""
    if not CONFORMANCE.is_dir():
        pytest.skip(NO_CORPUS)
    return SHARED


@pytest.fixture
def conformance_dir(shared_dir: Path) -> Path:
    """``../shared/conformance`` (pools/, expected/)."""
    return shared_dir / "conformance"

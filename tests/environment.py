"""What a test needs from the machine (PostgreSQL, Redis, Chromium, poppler, the checkout)."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def require_service(available, reason):
    """Skip a test whose service is missing; in CI (BOTP_REQUIRE_ALL_SERVICES) fail instead."""
    if available:
        return
    if os.environ.get("BOTP_REQUIRE_ALL_SERVICES"):
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)

"""Fixtures for the notebook widget's browser tests: the suite's headless Chromium (tests/conftest.py)."""
from __future__ import annotations

import pytest


@pytest.fixture()
def chromium(browser):
    """The worker's one Chromium (a second Playwright in the same process would fail)."""
    return browser

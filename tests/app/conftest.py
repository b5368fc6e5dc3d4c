"""Fixtures of the page tests (AppTest)."""
import pytest


@pytest.fixture(autouse=True)
def nothing_costly_computed_yet():
    """Each page test starts on a server that has computed no measure, ablation or patching: the pages show a result
    this process already holds without a click (for a class, one visitor's run serves all), so a result left by an
    earlier test would change what a later one sees."""
    from attnviz.app.pipeline.measures import shared_results

    shared_results.clear()
    yield

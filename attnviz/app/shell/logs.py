"""The server's log: attnviz's own lines (a failure with its traceback, a refusal) beside Streamlit's, once each."""
from __future__ import annotations

import logging
import sys

from attnviz.core import settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _level() -> str:
    """ATTNVIZ_LOG_LEVEL as the operator settings read it; INFO while a bad setting is being said on the page."""
    try:
        return settings.current().log_level
    except settings.SettingsError:
        return "INFO"


def configure() -> logging.Logger:
    """The `attnviz` logger writes to the server's stderr at ATTNVIZ_LOG_LEVEL (INFO by default); idempotent, so
    every run may call it. Visitors never see these lines: the page shows only what the operator allows."""
    logger = logging.getLogger("attnviz")
    if not any(getattr(h, "attnviz", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.attnviz = True
        logger.addHandler(handler)
        logger.propagate = False  # once: not again through the root logger
        logger.setLevel(_level())
    return logger

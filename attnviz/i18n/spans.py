"""Code spans in messages: the package writes a path, a folder or a command in backticks (`/srv/models`); a page
shows it as code (attnviz.app.widgets.literal.message), a terminal in quotes."""
from __future__ import annotations

import re

BACKTICKED = re.compile(r"`([^`\n]+)`")


def for_terminal(text: object) -> str:
    """A message as a terminal prints it: each backticked span in single quotes, no backticks left."""
    return BACKTICKED.sub(lambda m: f"'{m.group(1)}'", str(text))

"""State of a session that no widget holds: what the sidebar chose, what was learnt, what ran once."""
from attnviz.app.state.base import Key

PREFIX = "attnviz"

SELECTION = Key("attnviz_selection")  # the sidebar's Selection of this run
ARCHITECTURES = Key("attnviz_architectures")  # spec -> architecture, learnt when a model loads
URL_RESTORED = Key("attnviz_url_restored")  # the link's parameters were copied in (once per session)
URL_NOTES = Key("attnviz_url_notes")  # what links.restore() could not use from the link, said once on the page


def link_text_file(name: str) -> Key:
    """The download of a text too long for a link (explorer, compare), one per text."""
    return Key(f"attnviz_link_text_{name.replace(' ', '_')}")

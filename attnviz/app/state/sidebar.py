"""The shared sidebar's state (model, text, device, language, presentation mode): drawn on every page, so nothing
in it needs keeping across pages. Its link parameters come first in every link, in this order."""
from attnviz.app.state.base import Key
from attnviz.i18n import DEFAULT

PREFIX = "sb"

MODEL = Key("sb_model", "model", default="")
PATH = Key("sb_path", "path", default="")  # in the link only with model=custom (links.publish)
TEXT = Key("sb_text", "text", default="")
TARGET = Key("sb_target", "target", default="")  # the decoder's text (encoder-decoders)
DEVICE = Key("sb_device", "device", default="")
LANG = Key("sb_lang", "lang", default=DEFAULT)  # "en" | "zh": the language of every string (lang=zh)
PRESENT = Key("sb_present", "present", bool, default=False)  # presentation mode (present=1)

TRUST = Key("sb_trust")
TRUST_FOR = Key("sb_trust_for")  # the model the remote-code opt-in was given for
REFUSED = Key("sb_refused")  # the note for a model the server does not offer, until another is picked
PRESENT_LEAVE = Key("sb_present_leave")  # the button back from presentation mode (the sidebar is hidden then)
TEXT_FILE_ROUND = Key("sb_text_file_round")  # which uploader is drawn: a new one (a new key) after each file read
TEXT_FILE_NOTE = Key("sb_text_file_note")  # what reading the last file said: (level, Message), shown until the next


def text_file(round_: int) -> Key:
    """"Load the text from a file": the uploader of this round. Its file replaces the text; then the next round's
    uploader (another key) is drawn, so Streamlit forgets the file and frees its bytes."""
    return Key(f"sb_text_file_{round_}")
# presentation mode's bar (attnviz/app/shell/teacher_bar.py): its own widgets, which write to the sidebar's keys
BAR_MODEL, BAR_PATH, BAR_TEXT, BAR_LANG = Key("sb_bar_model"), Key("sb_bar_path"), Key("sb_bar_text"), Key("sb_bar_lang")
MODEL_AUTO = Key("sb_model_auto")  # the model the sidebar picked itself (zh-char for Chinese on a Chinese page)
MODEL_CHOSEN = Key("sb_model_chosen")  # True once the visitor, a link or a page chose the model: never picked again
# the window of a text longer than the model reads (pipeline/window.py): in the link as win=<first token> or
# centre=s<sentence>; the widgets' own keys hold the picker
WINDOW_START = Key("sb_win", "win", int, default=0)
CENTRE = Key("sb_centre", "centre", default="")
WINDOW_BY = Key("sb_win_by", keep="session")  # "start" or "centre"
FIRST_TOKEN = Key("sb_win_first", keep="session")  # the slider
SENTENCE = Key("sb_win_sentence", keep="session")  # the sentence to centre on

"""python -m attnviz.i18n extract | update | compile | check (see attnviz.i18n.tools)."""
import sys

from attnviz.i18n.tools import main

sys.exit(main())

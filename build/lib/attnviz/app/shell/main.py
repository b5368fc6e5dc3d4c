"""The app's Streamlit script: operator settings, page config, the shared sidebar, then the page asked for.

`attnviz app` runs this file; the checkout's app.py runs it too. Its folder holds no `pages/` (Streamlit would
treat one beside the main script as legacy auto-pages).
"""
from attnviz.app.shell.frame import run

run()

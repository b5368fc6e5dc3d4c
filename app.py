"""`streamlit run app.py` from the checkout: the packaged app (attnviz/app/shell/main.py) as it is installed."""
from attnviz.app.shell.frame import run

run()

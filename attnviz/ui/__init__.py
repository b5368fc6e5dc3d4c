"""The only Streamlit-aware part of the package: session state, caches and shared widgets."""

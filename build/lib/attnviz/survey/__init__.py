"""Surveys: attention statistics of every head over a whole corpus, written as Parquet and queried with DuckDB."""

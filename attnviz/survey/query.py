"""Questions asked of a survey folder with DuckDB over its Parquet parts (an embedded database: nothing to
start): heads ranked by a statistic, heads found by a behaviour, a head's most and least typical texts,
and one head's queries and keys over many tokens."""
from __future__ import annotations

import atexit
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from attnviz.core.errors import AttnvizError
from attnviz.i18n import Message, N_
from attnviz.survey.rows import LABELS, TYPE_COLUMNS
from attnviz.survey.run import TABLES, done_parts, read_manifest


PUNCTUATION_ABOUT = (N_("Attention from a token to the punctuation marks it can see (，。、 , .), averaged over the "
                     "tokens that can see one."))
WORD_ABOUT = (N_("Attention from a character to the other characters of its word that are not next to it (the start "
              "of 注意力 seen from 力), in texts whose words are known (builtin-zh's words template)."))
OLD_SURVEY = N_("This survey was written before the statistic {stat} existed: survey the corpus again to rank heads by it.")


@dataclass(frozen=True)
class Behaviour:
    """A behaviour to find heads by; label and about are Messages (English here, the page's language there)."""

    label: str
    stat: str  # column of the stats table
    template: str | None  # only texts of this template count (None: every text)
    about: str


BEHAVIOURS = {
    "previous token": Behaviour(Message("attend to the previous token"), "previous_token", None,
                                Message("mean attention from each token to the one before it")),
    "first token": Behaviour(Message("attend to the first token"), "first_token", None,
                             Message("mean attention to position 0 (often a sink: [CLS] or <s>)")),
    "antecedent": Behaviour(Message("attend to the antecedent of a pronoun"), "to_target", "coreference",
                            Message("attention from the pronoun to the name it refers to (coreference texts)")),
    "subject": Behaviour(Message("attend from a verb to its subject"), "to_target", "agreement",
                         Message("attention from is/are to its subject noun across a distractor (agreement texts)")),
    "bracket": Behaviour(Message("match a closing bracket"), "to_target", "brackets",
                         Message("attention from the first ')' to the '(' it closes (bracket texts)")),
    "induction": Behaviour(Message("do induction"), "induction", None,
                           Message("attention from a repeated token to the token that followed its earlier occurrence")),
    "punctuation": Behaviour(Message("attend to punctuation"), "punctuation", None, Message(PUNCTUATION_ABOUT)),
    "word": Behaviour(Message("attend to a word's other characters"), "word", None, Message(WORD_ABOUT)),
}


def _check_readable(folder: Path, table: str, files: list[str]) -> None:
    """AttnvizError naming the first part that is not Parquet (a disk that filled, a file copied half): the
    views read lazily, so without this the damage would surface as an error inside a later query."""
    for f in files:
        try:
            pq.read_metadata(f)
        except (OSError, pa.ArrowException) as exc:
            name = Path(f).stem
            raise AttnvizError(Message("`{folder}` has a damaged part: `{table}/{name}.parquet` is not readable Parquet ({detail}). Delete `texts/{name}.parquet` and run the survey command again: it redoes that part.", folder=folder.name, table=table, name=name,
                                     detail=str(exc))) from exc


# Every Survey still open. A connection that lives until the interpreter's teardown (held by a cache, such as
# the survey page's st.cache_resource) outlives DuckDB's binding module, which then prints "nanobind: leaked
# function …" lines into the server's log by the dozen: _close_all closes them first, while Python still runs.
CLOSED = N_("The survey `{name}` was closed: open it again.")
_OPEN: weakref.WeakSet[Survey] = weakref.WeakSet()
_OPEN_LOCK = threading.Lock()


class Survey:
    """An open survey folder: its manifest and a DuckDB connection with views texts, stats, tokens, and (where
    written) qk and probes.

    close() (or a `with` block) releases the connection; any still open are closed when the interpreter exits."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.manifest = read_manifest(self.folder)
        parts = done_parts(self.folder)
        if not parts:
            raise AttnvizError(Message("`{name}` has no finished part yet: run the survey first.", name=self.folder.name))
        self.db = duckdb.connect()
        try:
            self._create_views(parts)
        except BaseException:
            self.close()
            raise
        with _OPEN_LOCK:
            _OPEN.add(self)

    def _create_views(self, parts: list[str]) -> None:
        for table in TABLES:
            files = [str(self.folder / table / f"{p}.parquet") for p in parts]
            if table == "probes":  # parts written before head types have none: read the parts that do
                files = [f for f in files if Path(f).is_file()]
            if files and all(Path(f).is_file() for f in files):  # only finished parts: a half-run batch is never read
                _check_readable(self.folder, table, files)
                # by name: a survey resumed by a newer attnviz has parts with more columns than the older ones
                self.db.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({files!r}, union_by_name = true)")
        self.has_qk = "qk" in self._views()
        self.has_probes = "probes" in self._views()

    def close(self) -> None:
        """Close the connection and drop every reference to it (its binding objects are freed now)."""
        db, self.db = getattr(self, "db", None), None
        if db is not None:
            db.close()
        with _OPEN_LOCK:
            _OPEN.discard(self)

    @property
    def closed(self) -> bool:
        return self.db is None

    def __enter__(self) -> Survey:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _views(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        if self.db is None:
            raise AttnvizError(Message(CLOSED, name=self.folder.name))
        return self.db.execute(query, params or []).df()

    def templates(self) -> list[str]:
        return [t for t in self.sql("SELECT DISTINCT template FROM texts WHERE template IS NOT NULL ORDER BY 1")["template"]]

    def columns(self, table: str = "stats") -> list[str]:
        """The columns a view has (older surveys lack the head-type columns)."""
        return list(self.sql(f"DESCRIBE {table}")["column_name"])

    def _check_stat(self, stat: str) -> None:
        have = set(self.columns())
        known = [c for c in (*LABELS, *TYPE_COLUMNS.values()) if c in have]
        if stat not in known:
            stats = list(dict.fromkeys(known))
            raise AttnvizError(Message("No statistic {stat!r}; choose one of {stats}.", stat=stat, stats=", ".join(stats)))

    def _check_column(self, stat: str) -> None:
        """AttnvizError for a statistic that this (older) survey's parts do not have."""
        columns = set(self.sql("SELECT * FROM stats LIMIT 0").columns)
        if stat not in columns:
            raise AttnvizError(Message(OLD_SURVEY, stat=stat))

    def ranking(self, stat: str, template: str | None = None, descending: bool = True) -> pd.DataFrame:
        """Every head with the statistic's mean over the corpus (texts where it applies), spread and count."""
        self._check_stat(stat)
        self._check_column(stat)
        where = "WHERE t.template = ?" if template else ""
        return self.sql(f"""
            SELECT s.layer, s.head, avg(s.{stat}) AS mean, stddev_samp(s.{stat}) AS std, count(s.{stat}) AS texts
            FROM stats s JOIN texts t USING (text_id) {where}
            GROUP BY s.layer, s.head
            ORDER BY mean {'DESC' if descending else 'ASC'} NULLS LAST, s.layer, s.head""",
                        [template] if template else [])

    def find_heads(self, behaviour: str) -> pd.DataFrame:
        """Heads ranked by a behaviour's score (the mean of its statistic over the texts that probe it)."""
        b = BEHAVIOURS.get(behaviour)
        if b is None:
            raise AttnvizError(Message("No behaviour {behaviour!r}; choose one of {behaviours}.", behaviour=behaviour, behaviours=", ".join(BEHAVIOURS)))
        if b.template and b.template not in self.templates():
            raise AttnvizError(Message("This corpus has no {template} texts, so no head can be scored on {label}: survey the built-in corpus (builtin:N), which has them.", template=b.template, label=b.label))
        table = self.ranking(b.stat, b.template)
        return table.rename(columns={"mean": "score"})

    def texts_for_head(self, layer: int, head: int, stat: str, n: int = 5,
                       template: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(most, least): the n texts where this head's statistic is highest and lowest."""
        self._check_stat(stat)
        where = "AND t.template = ?" if template else ""
        base = f"""SELECT t.text_id, t.text, t.template, s.{stat} AS value FROM stats s JOIN texts t USING (text_id)
                   WHERE s.layer = ? AND s.head = ? AND s.{stat} IS NOT NULL {where} ORDER BY value"""
        params = [layer, head] + ([template] if template else [])
        return (self.sql(base + " DESC, t.text_id LIMIT ?", params + [n]),
                self.sql(base + " ASC, t.text_id LIMIT ?", params + [n]))

    def joint_points(self, layer: int, head: int, max_tokens: int = 10_000, context: int = 4) -> pd.DataFrame:
        """One head's projected queries and keys (a row each, `role` q or k) for up to max_tokens tokens, with
        each token's text, position, template and the words around it."""
        if not self.has_qk:
            raise AttnvizError(Message("This survey kept no queries and keys."))
        frame = self.sql(f"""
            WITH ctx AS (
              SELECT text_id, pos, token,
                     string_agg(token, ' ') OVER (PARTITION BY text_id ORDER BY pos
                                                  ROWS BETWEEN {context} PRECEDING AND 1 PRECEDING) AS before,
                     string_agg(token, ' ') OVER (PARTITION BY text_id ORDER BY pos
                                                  ROWS BETWEEN 1 FOLLOWING AND {context} FOLLOWING) AS after
              FROM tokens WHERE text_id IN (SELECT DISTINCT text_id FROM qk WHERE layer = ? AND head = ?
                                            ORDER BY text_id LIMIT ?))
            SELECT q.text_id, q.pos, c.token, c.before, c.after, t.template, q.q, q.k
            FROM qk q JOIN ctx c USING (text_id, pos) JOIN texts t USING (text_id)
            WHERE q.layer = ? AND q.head = ?
            ORDER BY q.text_id, q.pos LIMIT ?""", [layer, head, max_tokens, layer, head, max_tokens])
        rows = []
        for role in ("q", "k"):
            part = frame.drop(columns=["q", "k"]).assign(role="query" if role == "q" else "key")
            part["vector"] = list(np.stack(frame[role].to_numpy()) if len(frame) else [])
            rows.append(part)
        return pd.concat(rows, ignore_index=True)


@atexit.register
def _close_all() -> None:
    """Close every survey still open before the interpreter tears DuckDB's module down."""
    with _OPEN_LOCK:
        still_open = list(_OPEN)
    for survey in still_open:
        try:
            survey.close()
        except Exception:  # exiting anyway: one connection that will not close must not keep the others open
            pass

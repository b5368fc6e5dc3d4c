"""No session key and no link parameter is spelled outside attnviz/app/state/ (issue 24.3): pages, JavaScript, CSS and
tests take them from the state modules, so a key renamed there is renamed everywhere.

Searched: every .py, .js and .css file under attnviz/, tests/ and app.py, but for the state modules themselves,
tests/unit/test_keys.py (which pins the link parameters on purpose: links people shared must keep working) and this
file (whose examples below are illustrations).

Keys (from every state module: ex_layer, sb_present_leave, cmp_a_model …) are found as words of their own (not part
of a longer name) in the string literals of Python files, docstrings included, and anywhere in a .js or .css file:
"ex_layer", ".st-key-sb_present_leave button" and "attnviz-ex_heatmap.csv" are each a key spelled out. A key that a
state module builds from a name (worked_example.value(matrix) is toy_value_<matrix>) is found by its stem followed by a
replacement field or the literal's end: f"toy_value_{m}", "toy_value_" + m. Comments are not searched.

Link parameters with an underscore (a_model, b_text) are found like keys. The others are ordinary words ("text",
"view", "layer", "log"), found only where they are used as link parameters:
- in a URL: a string literal holding ?name= or &name= (f"{server}/explorer?layer=2");
- on st.query_params or AppTest's query_params: query_params["layer"], .get("layer"), "layer" in …query_params;
- as the key of a dict, or a keyword, given to query_params.update/from_dict, urlencode, links.publish or
  keep_in_link.
A test that copies query_params into a dict and reads it there (params["layer"]) is beyond what this finds: read the
link through the key instead (explorer.LAYER.param) or compare it with tests/app/apphelpers.link_params.
"""
from __future__ import annotations

import ast
import inspect
import io
import re
import tokenize
from pathlib import Path

from attnviz.app import state
from attnviz.app.state.base import keys_of, linked

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / "attnviz" / "app" / "state"
EXEMPT = {ROOT / "tests" / "unit" / "test_keys.py", Path(__file__).resolve()}
SENTINEL = "\0"
LINK_CALLS = {"update", "from_dict", "urlencode", "publish", "keep_in_link"}


def _files() -> list[Path]:
    found = [ROOT / "app.py"]
    for top in ("attnviz", "tests"):
        found += [p for ext in ("py", "js", "css") for p in (ROOT / top).rglob(f"*.{ext}")]
    return sorted(p for p in found if STATE not in p.parents and p.resolve() not in EXEMPT
                  and "__pycache__" not in p.parts)


def _stems() -> set[str]:
    """What each key-building function of a state module puts before its first argument (toy_value_, cmp_, …)."""
    stems = set()
    for module in state.modules():
        for _, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__:
                n = len(inspect.signature(function).parameters)
                stems.add(str(function(*[SENTINEL] * n)).split(SENTINEL)[0])
    return stems


KEYS = {str(key) for module in state.modules() for key in keys_of(module)}
PARAMS = {key.param for module in state.modules() for key in linked(module)}
WORDS = KEYS | {p for p in PARAMS if "_" in p}
WORD = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(map(re.escape, WORDS), key=len, reverse=True)) + r")(?![A-Za-z0-9_])")
STEM = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, sorted(_stems()))) + r")(?=\{|$)")
URL = re.compile(r"[?&](" + "|".join(map(re.escape, sorted(PARAMS))) + r")=")
QUOTES = re.compile(r"^[A-Za-z]*('''|\"\"\"|'|\")(.*)\1$", re.DOTALL)


def _literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal of a Python file, an f-string whole with its replacement fields."""
    found, start, depth = [], None, 0
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        name = tokenize.tok_name[tok.type]
        if name == "STRING" and depth == 0:
            found.append((tok.start[0], tok.string))
        elif name == "FSTRING_START":  # Python 3.12 splits f-strings into tokens: take the whole literal
            depth += 1
            start = start if depth > 1 else tok.start
        elif name == "FSTRING_END":
            depth -= 1
            if depth == 0:
                text = source[offsets[start[0] - 1] + start[1]:offsets[tok.end[0] - 1] + tok.end[1]]
                found.append((start[0], text))
    return found


def _content(literal: str) -> str:
    match = QUOTES.match(literal)
    return match.group(2) if match else literal


def _is_query_params(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "query_params" or \
        isinstance(node, ast.Name) and node.id == "query_params"


def _param(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and node.value in PARAMS else None


def _link_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """Link parameters spelled where they are used as link parameters (see the module's docstring)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_query_params(node.value) and _param(node.slice):
            found.append((node.lineno, node.slice.value))
        elif isinstance(node, ast.Compare) and _is_query_params(node.comparators[0]) and _param(node.left):
            found.append((node.lineno, node.left.value))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            on_params = isinstance(func, ast.Attribute) and _is_query_params(func.value)
            if on_params and name in ("get", "pop", "setdefault") and node.args and _param(node.args[0]):
                found.append((node.lineno, node.args[0].value))
            if on_params and name in LINK_CALLS or name in LINK_CALLS - {"update", "from_dict"}:
                dicts = [a for a in node.args if isinstance(a, ast.Dict)]
                found += [(node.lineno, k.value) for d in dicts for k in d.keys if _param(k)]
                found += [(node.lineno, kw.arg) for kw in node.keywords if kw.arg in PARAMS]
                if name == "keep_in_link" and node.args and _param(node.args[0]):
                    found.append((node.lineno, node.args[0].value))
    return found


def _problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    where = path.relative_to(ROOT)
    if path.suffix != ".py":
        return [f"{where}: {m.group(1)}" for pattern in (WORD, URL) for m in pattern.finditer(text)]
    found = []
    for line, literal in _literals(text):
        content = _content(literal)
        found += [f"{where}:{line}: {m.group(1)} in {literal[:80]!r}" for pattern in (WORD, STEM, URL)
                  for m in pattern.finditer(content)]
    found += [f"{where}:{line}: link parameter {name!r}" for line, name in _link_uses(ast.parse(text))]
    return found


def test_the_search_finds_what_it_should():
    """The patterns catch each way a key or a parameter was spelled before the state modules (and not words)."""
    bad = ['st.session_state["ex_layer"]', 'CSS = ".st-key-sb_present_leave button {}"', 'key=f"toy_value_{m}"',
           'name = "attnviz-ex_heatmap.csv"', 'page.goto(f"{server}/explorer?view=Heatmap&layer=4")',
           'at.query_params["text"]', '"lang" in at.query_params', 'publish({"layer": 2})', 'keep_in_link("step", "1")',
           'x = {"a_model": "minilm"}', 'st.query_params.get("head")']
    for source in bad:
        tree = ast.parse(source)
        literals = [_content(s) for _, s in _literals(source)]
        hits = [m for c in literals for p in (WORD, STEM, URL) for m in p.finditer(c)] + _link_uses(tree)
        assert hits, source
    fine = ['label = "Layer"', 't("kept in the link as layer=2")', 'words = "text view layer"', 'name = "toy_figs"',
            'x = {"text": 1}', 'fig.update(layout={"title": "x"})']
    for source in fine:
        literals = [_content(s) for _, s in _literals(source)]
        hits = [m for c in literals for p in (WORD, STEM, URL) for m in p.finditer(c)] + _link_uses(ast.parse(source))
        assert not hits, (source, hits)


def test_no_key_or_link_parameter_is_spelled_outside_the_state_modules():
    problems = [p for path in _files() for p in _problems(path)]
    assert not problems, "\n".join(problems)

"""Needle in a haystack: a sentence hidden at chosen depths of a long text, a question at the end, the sidebar's model
answering greedily; which cases it answers, and which heads fetch the needle (retrieval scores, Wu et al. 2024)."""
from __future__ import annotations

import re
import time

import numpy as np
import streamlit as st

from attnviz.analysis.haystack import default_test
from attnviz.analysis.needle import MAX_NEW, RIGHT_RECALL, build_case, collect, run_case
from attnviz.app.pipeline import load as pipeline
from attnviz.app.shell import links as urlstate
from attnviz.app.shell import messages, screen
from attnviz.app.shell.language import lang
from attnviz.app.state import needle as K
from attnviz.app.widgets.literal import escape
from attnviz.capture.api import token_limit
from attnviz.core import settings
from attnviz.figures.needle import depth_length_grid, retrieval_map, steps_table
from attnviz.i18n import N_, fixed, t
from attnviz.models.loading import LoadedModel

SOURCES = ("builtin", "own")
SOURCE_NAMES = {"builtin": N_("the built-in haystack (a harbour town)"), "own": N_("my own text")}
DEFAULT_DEPTHS = "0, 0.25, 0.5, 0.75, 1"
MAX_CASES = 36  # depths × lengths a run may ask for (a shared server: SHARED_CASES)
SHARED_CASES = 12
NEW_MOST = 64
_NUMBER = re.compile(r"[\s,;，、]+")


def _numbers(text: str, kind: type):
    """The numbers of a list typed as "0, 0.5, 1" (commas, spaces or Chinese commas), or None if any is not one."""
    parts = [p for p in _NUMBER.split(text.strip()) if p]
    try:
        return [kind(float(p)) if kind is int else kind(p) for p in parts]
    except ValueError:
        return None


def _least(model: LoadedModel, needle: str, question: str) -> int:
    """The shortest prompt worth a case: the needle, the question, the model's special tokens and a little haystack."""
    def count(text: str) -> int:
        return sum(1 for span in model.codec.encode_with_offsets(text)[1] if span is not None)

    added = sum(1 for span in model.codec.encode_with_offsets("a")[1] if span is None)
    return count(needle) + count(question) + added + 2 + 8


def _default_lengths(limit: int, n_new: int, least: int = 16) -> str:
    """Three lengths that fit the model with room for the answer: from the shortest worth a case to nearly all of
    it."""
    room = max(least, limit - n_new - 2)
    return ", ".join(str(n) for n in sorted({least, (least + room) // 2, room}))


def _inputs(model: LoadedModel, limit: int):
    """The test's inputs, checked; None (with a message on the page) when one is wrong."""
    tr = fixed()
    haystack, needle, question, answer = default_test("zh" if lang() == "zh" else "en")
    s = st.session_state
    for key, value in ((K.NEEDLE, needle), (K.QUESTION, question), (K.ANSWER, answer)):
        s.setdefault(key, value)
    source = st.radio(t("Haystack"), SOURCES, horizontal=True, key=K.SOURCE, format_func=lambda v: tr(SOURCE_NAMES[v]))
    if source == "own":
        haystack = st.text_area(t("Your haystack: any long text (it is read again when it is shorter than a length)"),
                                key=K.HAYSTACK, height=140, persist_state=K.HAYSTACK.keep)
    else:
        with st.expander(t("The built-in haystack")):
            st.text(haystack)
    c1, c2, c3 = st.columns(3)
    needle = c1.text_input(t("Needle (the sentence hidden)"), key=K.NEEDLE)
    question = c2.text_input(t("Question (after the haystack)"), key=K.QUESTION)
    answer = c3.text_input(t("Expected answer"), key=K.ANSWER)
    s.setdefault(K.MAX_NEW, min(MAX_NEW, 16))
    s.setdefault(K.DEPTHS, DEFAULT_DEPTHS)
    s.setdefault(K.LENGTHS, _default_lengths(limit, int(s[K.MAX_NEW]), _least(model, s[K.NEEDLE], s[K.QUESTION])))
    d1, d2, d3 = st.columns([3, 3, 2])
    depths_text = d1.text_input(t("Depths (0: the start of the haystack, 1: its end)"), key=K.DEPTHS)
    lengths_text = d2.text_input(t("Lengths (prompt tokens, at most {limit})", limit=f"{limit:,}"), key=K.LENGTHS)
    n_new = int(d3.number_input(t("New tokens at most"), 1, NEW_MOST, key=K.MAX_NEW))
    depths, lengths = _numbers(depths_text, float), _numbers(lengths_text, int)
    problems = []
    if not haystack.strip() or not needle.strip() or not question.strip() or not answer.strip():
        problems.append(t("The haystack, the needle, the question and the expected answer all need some text."))
    if not depths or any(not 0 <= d <= 1 for d in depths):
        problems.append(t("Depths are numbers from 0 to 1, such as {example}.", example=DEFAULT_DEPTHS))
    if not lengths or any(n < 1 for n in lengths):
        problems.append(t("Lengths are whole numbers of tokens, such as {example}.",
                          example=_default_lengths(limit, n_new, _least(model, needle, question))))
    elif max(lengths) + n_new > limit:
        problems.append(t("A length of {length} tokens and {new} new ones pass the {limit} tokens this model reads "
                          "here: choose lengths up to {most}.", length=max(lengths), new=n_new, limit=limit,
                          most=limit - n_new))
    cases = len(depths or []) * len(lengths or [])
    most = SHARED_CASES if settings.current().shared else MAX_CASES
    if cases > most:
        problems.append(t("{n} cases are more than one run takes here ({most}): fewer depths or lengths.", n=cases,
                          most=most))
    for problem in problems:
        st.warning(problem)
    if problems:
        return None
    return haystack, needle, question, answer, sorted(set(depths)), sorted(set(lengths)), n_new


def _cost(model: LoadedModel, depths: list[float], lengths: list[int], n_new: int) -> str:
    cases = len(depths) * len(lengths)
    return t("{cases} cases ({depths} depths × {lengths} lengths). Each case reads its prompt once while it writes up "
             "to {new} tokens, then captures every head's attention over prompt and answer once: about {tokens} "
             "tokens read in all, {most} in the longest case.", cases=cases, depths=len(depths), lengths=len(lengths),
             new=n_new, tokens=f"{2 * len(depths) * sum(lengths) + cases * n_new:,}", most=f"{max(lengths) + n_new:,}")


def _run(model: LoadedModel, test) -> dict:
    """Every case, one by one with a progress bar, timed; the grid and each case's seconds."""
    haystack, needle, question, answer, depths, lengths, n_new = test
    bar = st.progress(0.0, text=t("Running the cases…"))
    runs, seconds, total = [], [], len(depths) * len(lengths)
    for i, depth in enumerate(depths):
        runs.append([])
        seconds.append([])
        for j, length in enumerate(lengths):
            start = time.perf_counter()
            case = build_case(model.codec, haystack, needle, question, depth, length)
            runs[-1].append(run_case(model, case, answer, n_new))
            seconds[-1].append(time.perf_counter() - start)
            bar.progress((i * len(lengths) + j + 1) / total, text=t("Case {k} of {n}…", k=i * len(lengths) + j + 1,
                                                                    n=total))
    bar.empty()
    return {"test": test, "model": model.info.name, "grid": collect(depths, lengths, runs), "seconds": seconds}


def _take_head_click() -> None:
    event = st.session_state.get(K.SCORE_CHART)
    selection = event.get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", None)
    points = (selection or {}).get("points", []) if isinstance(selection, dict) else \
        getattr(selection, "points", []) or []
    if not points or st.session_state.get(K.SCORE_SEEN) == repr(points[0]):
        return
    st.session_state[K.SCORE_SEEN] = repr(points[0])
    x, y = points[0].get("x"), points[0].get("y")
    if isinstance(x, str) and isinstance(y, str) and x[1:].isdigit() and y[1:].isdigit():
        st.session_state[K.LAYER], st.session_state[K.HEAD] = int(y[1:]), int(x[1:])


def _results(model: LoadedModel, done: dict) -> None:
    grid, seconds = done["grid"], np.asarray(done["seconds"])
    st.plotly_chart(screen.figure(depth_length_grid(grid)), key=K.GRID_CHART)
    st.caption(t("Right: the answer holds more than {share:.0%} of the expected words (characters in Chinese), "
                 "ROUGE-1 recall as Wu et al. count it. The cases took {total:.1f} s, {slow:.1f} s the slowest.",
                 share=RIGHT_RECALL, total=float(seconds.sum()), slow=float(seconds.max())))
    answered = int(grid.right.sum())
    _take_head_click()
    st.plotly_chart(screen.figure(retrieval_map(grid.retrieval, answered)), key=K.SCORE_CHART, on_select="rerun",
                    selection_mode="points")
    st.caption(t("A head's retrieval score: of the needle's tokens, the share it copied while the model wrote the "
                 "answer (at a step, its strongest key lies in the needle and holds the token written). 1 is a head "
                 "that fetched the whole needle. Click a head to follow it below."))
    tr = fixed()
    cases = [(i, j) for i in range(len(grid.depths)) for j in range(len(grid.lengths))]
    case = st.selectbox(t("Case"), cases, key=K.CASE, format_func=lambda c: tr(
        "depth {depth} · {length} tokens · {mark}", depth=f"{grid.depths[c[0]]:.0%}",
        length=f"{grid.lengths[c[1]]:,}", mark="✓" if grid.right[c] else "✗"))
    run = grid.runs[case[0]][case[1]]
    layers, heads = grid.retrieval.shape
    best = np.unravel_index(int(np.argmax(grid.retrieval)), grid.retrieval.shape)
    st.session_state.setdefault(K.LAYER, int(best[0]))
    st.session_state.setdefault(K.HEAD, int(best[1]))
    h1, h2 = st.columns(2)
    layer = int(h1.number_input(t("Layer"), 0, layers - 1, key=K.LAYER))
    head = int(h2.number_input(t("Head"), 0, heads - 1, key=K.HEAD))
    st.markdown(t("**The model wrote** (recall {recall:.2f}, {mark}; the needle was placed at {placed:.0%} of the "
                  "haystack, {s:.1f} s):", recall=run.recall, mark=tr("right") if run.right else tr("wrong"),
                  placed=run.case.placed, s=float(seconds[case])))
    st.code(run.answer, language=None)
    tokens = model.codec.display(list(run.case.ids) + list(run.generated))
    st.markdown(t("**Each step of layer {layer}, head {head}** (its score here: {score:.2f}):", layer=layer, head=head,
                  score=float(run.retrieval.score[layer, head])))
    screen.table(st, steps_table(run, tokens, layer, head), hide_index=True)


def main() -> None:
    st.title(t("Needle in a haystack"))
    st.caption(t("A sentence (the needle) is hidden at a chosen depth of a long text, a question about it follows, and "
                 "the model answers. Which cases does it get right, and which heads fetch the answer from the needle? "
                 "(Retrieval heads: Wu et al. 2024.)"))
    model = pipeline.require_model()
    if model.info.architecture != "decoder":
        st.info(t("The test needs a causal language model that writes an answer; {name} is not one. Pick glassllm-en, "
                  "zh-char or your own decoder in the sidebar.", name=model.info.name))
        st.stop()
    limit, by_server = token_limit(model.info.max_positions)
    limit = limit or 4096
    st.caption(t("{name} reads {limit} tokens here.", name=model.info.name, limit=f"{limit:,}")
               + (" " + t("(the server's limit)") if by_server else ""))
    test = _inputs(model, limit)
    link = urlstate.publish({K.SOURCE: st.session_state.get(K.SOURCE), K.NEEDLE: st.session_state.get(K.NEEDLE),
                             K.QUESTION: st.session_state.get(K.QUESTION), K.ANSWER: st.session_state.get(K.ANSWER),
                             K.DEPTHS: st.session_state.get(K.DEPTHS), K.LENGTHS: st.session_state.get(K.LENGTHS),
                             K.MAX_NEW: st.session_state.get(K.MAX_NEW)})
    if test is None:
        st.stop()
    st.info(_cost(model, test[4], test[5], test[6]))
    done = st.session_state.get(K.RESULT)
    fresh = done is not None and done["test"] == test and done["model"] == model.info.name
    if st.button(t("Run the test") if not fresh else t("Run it again"), key=K.RUN, type="primary"):
        try:
            done = _run(model, test)
        except ValueError as exc:
            st.warning(escape(messages.say(exc)))
            st.stop()
        st.session_state[K.RESULT] = done
        fresh = True
    if fresh:
        _results(model, done)
    elif done is not None:
        st.caption(t("The inputs changed since the last run: run the test again to see its results."))
    st.divider()
    urlstate.show_link(link, what=t("model, test and grid"), heading=t("this test"))


main()

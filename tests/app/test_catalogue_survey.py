"""The survey page in English and 简体中文: every string from the catalogues, with a survey open and without."""
import pytest
from apphelpers import assert_clean, figures, messages, open_page
from catalogue_check import not_in_catalogue

from attnviz.i18n import translate
from attnviz.models.loading import load_model
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.run import run_survey
from attnviz.app.state import sidebar, survey

DATA = ("attnviz", "minilm", "glassllm-en", "auto", "cpu", "cuda", "mps", "Language · 语言", "English", "简体中文",
        "PCA", "t-SNE", "UMAP")


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A survey of the built-in corpus (it has templates), and one of a plain text file (it has none)."""
    root = tmp_path_factory.mktemp("surveys")
    model = load_model("scratch-encoder", device="cpu")
    run_survey(model, open_corpus("builtin:20"), root / "builtin", batch_size=8, progress=False)
    plain = root / "plain.txt"
    plain.write_text("The cat sat on the mat.\nA dog ran in the park.\nBirds sing at dawn.\n")
    run_survey(model, open_corpus(str(plain)), root / "plain", batch_size=8, progress=False)
    return root


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_nothing_open_speaks_one_language(lang):
    at = open_page(survey, {sidebar.LANG: lang})
    assert_clean(at)
    assert [t.value for t in at.title] == [translate(lang, "Survey")]
    assert at.info[0].value.startswith(translate(lang, "Open a survey folder. Make one with `python -m attnviz survey minilm builtin:1000 --out {root}/minilm`.", root="").split("`")[0])
    assert not_in_catalogue(at, DATA) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_open_survey_speaks_one_language(folders, lang):
    at = open_page(survey, {sidebar.LANG: lang, survey.PATH: str(folders / "builtin")})
    assert_clean(at)
    templates = tuple(Survey(folders / "builtin").templates())
    assert [s.value for s in at.subheader] == [translate(lang, k) for k in (
        "Heads ranked", "Find heads that…", "Texts where one head does it most and least",
        "Head types over the survey", "Queries and keys of one head, over many tokens")]
    assert not_in_catalogue(at, DATA + templates) == []
    ranking, joint = figures(at)[0], figures(at)[-1]
    stat = translate(lang, "entropy")  # the first statistic
    assert ranking["layout"]["title"]["text"] == translate(lang, "{stat}: mean over the corpus (± one standard deviation)", stat=stat)
    assert {tr["name"] for tr in joint["data"]} == {translate(lang, "query"), translate(lang, "key")}
    if lang == "zh":
        assert "关注前一个词元" in at.radio(key=survey.BEHAVIOUR).options
        assert at.selectbox(key=survey.STAT).options[:2] == ["熵", "平均距离"]
        assert at.main.caption[-1].value.endswith("鼠标悬停时显示该词元（用方括号 [ ] 标出）及其前后的词。")
        assert "**最强**" in [m.value for m in at.markdown]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_surveys_own_messages_speak_the_pages_language(folders, tmp_path, lang):
    at = open_page(survey, {sidebar.LANG: lang, survey.PATH: str(folders / "plain"), survey.BEHAVIOUR: "antecedent"})
    assert_clean(at)
    label = translate(lang, "attend to the antecedent of a pronoun")
    assert translate(lang, "This corpus has no {template} texts, so no head can be scored on {label}: survey the built-in corpus (builtin:N), which has them.", template="coreference", label=label) in messages(at, "info")
    assert not_in_catalogue(at, DATA) == []
    at = open_page(survey, {sidebar.LANG: lang, survey.PATH: str(tmp_path)})
    assert translate(lang, "`{name}` is not a survey folder (it has no {manifest}).", name=tmp_path.name, manifest="manifest.json") in messages(at, "error")
    assert not_in_catalogue(at, DATA + (tmp_path.name,)) == []

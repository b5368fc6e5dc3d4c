"""The survey page in English and 简体中文: every string from the catalogues, with a survey open and without."""
import pytest
from apphelpers import assert_clean, figures, messages, open_page
from catalogue_check import not_in_catalogue

from attnviz.i18n.catalogue import lookup
from attnviz.models.loading import load_model
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.run import run_survey

PAGE = "attnviz/app/pages/survey.py"
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
    at = open_page(PAGE, sb_lang=lang)
    assert_clean(at)
    assert [t.value for t in at.title] == [lookup(lang, "survey.title")]
    assert at.info[0].value.startswith(lookup(lang, "survey.open_hint", root="").split("`")[0])
    assert not_in_catalogue(at, DATA) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_open_survey_speaks_one_language(folders, lang):
    at = open_page(PAGE, sb_lang=lang, sv_path=str(folders / "builtin"))
    assert_clean(at)
    templates = tuple(Survey(folders / "builtin").templates())
    assert [s.value for s in at.subheader] == [lookup(lang, f"survey.{k}")
                                               for k in ("ranked", "find", "texts_title", "joint_title")]
    assert not_in_catalogue(at, DATA + templates) == []
    ranking, joint = figures(at)[0], figures(at)[-1]
    stat = lookup(lang, "survey.stat.entropy")  # the first statistic
    assert ranking["layout"]["title"]["text"] == lookup(lang, "survey.ranking_title", stat=stat)
    assert {tr["name"] for tr in joint["data"]} == {lookup(lang, "survey.fig.query"), lookup(lang, "survey.fig.key")}
    if lang == "zh":
        assert "关注前一个词元" in at.radio(key="sv_behaviour").options
        assert at.selectbox(key="sv_stat").options[:2] == ["熵", "平均距离"]
        assert at.main.caption[-1].value.endswith("鼠标悬停时显示该词元（用方括号 [ ] 标出）及其前后的词。")
        assert "**最强**" in [m.value for m in at.markdown]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_surveys_own_messages_speak_the_pages_language(folders, tmp_path, lang):
    at = open_page(PAGE, sb_lang=lang, sv_path=str(folders / "plain"), sv_behaviour="antecedent")
    assert_clean(at)
    label = lookup(lang, "survey.behaviour.antecedent")
    assert lookup(lang, "survey.no_template", template="coreference", label=label) in messages(at, "info")
    assert not_in_catalogue(at, DATA) == []
    at = open_page(PAGE, sb_lang=lang, sv_path=str(tmp_path))
    assert lookup(lang, "survey.not_a_survey", name=tmp_path.name, manifest="manifest.json") in messages(at, "error")
    assert not_in_catalogue(at, DATA + (tmp_path.name,)) == []

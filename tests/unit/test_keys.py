"""Session keys: one module names them all, each once, each prefixed by its page."""
from attnviz.app.state import keys


def _values(cls) -> list[str]:
    return [v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str)]


def test_every_key_is_named_once_with_its_page_prefix():
    groups = {keys.App: ("attnviz_",), keys.Sidebar: ("sb_",), keys.Home: ("home",), keys.Explorer: ("ex",),
              keys.Toy: ("toy",), keys.Positional: ("pe", "rope", "used", "fx"), keys.Train: ("train",),
              keys.Compare: ("cmp_",), keys.Survey: ("sv_",),
              keys.Lesson: ("lesson",)}
    every = [v for cls in groups for v in _values(cls)]
    # prefixes ("ex", "rope", ...) are the stems of picker keys, not keys: the rest must be unique
    stems = {keys.Home.PREFIX, keys.Explorer.PREFIX, keys.Toy.REAL_PREFIX, keys.Positional.ROPE_PREFIX,
             keys.Positional.EFFECT_PREFIX}
    real = [v for v in every if v not in stems]
    assert len(real) == len(set(real)), sorted(v for v in real if real.count(v) > 1)
    for cls, prefixes in groups.items():
        assert all(v.startswith(prefixes) for v in _values(cls)), cls.__name__
    assert keys.Survey.open_button("most", 3) == "sv_open_most_3"
    assert keys.Toy.value("seed-001_X") == "toy_value_seed-001_X" and keys.Train.head_chart(2) == "train_head_2"

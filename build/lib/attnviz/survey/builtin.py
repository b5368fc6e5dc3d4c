"""A built-in corpus from templates that probe known head types; each text says its template and,
where one exists, the word a head should look from and the word it should find (its target)."""
from __future__ import annotations

import random
from collections.abc import Iterator

TEMPLATES = ("induction", "coreference", "agreement", "list", "brackets")
WORDS = ("cat dog sun tree book door car bird fish milk road king hat cup box pen map ship coin lamp "
         "rain song bell star ring bread chair shoe key wolf").split()
WOMEN = ("Mary", "Anna", "Sarah", "Emma", "Lucy", "Kate")
MEN = ("John", "Peter", "David", "Paul", "James", "Mark")
VERBS = (("called", "was sick"), ("thanked", "had won"), ("visited", "felt lonely"), ("helped", "was late"))
NOUNS = (("key", "keys"), ("dog", "dogs"), ("book", "books"), ("car", "cars"), ("road", "roads"))
PLACES = ("cabinet", "house", "tree", "river", "table")
ADJECTIVES = ("old", "red", "new", "small", "broken")


def _induction(rng: random.Random) -> dict:
    # a random word sequence seen twice: in the repeat, an induction head looks at the word after the earlier copy
    seq = [rng.choice(WORDS) for _ in range(rng.randint(5, 9))]
    return {"text": " ".join(seq + seq)}


def _coreference(rng: random.Random) -> dict:
    she = rng.random() < 0.5
    subject = rng.choice(WOMEN if she else MEN)
    other = rng.choice(MEN if she else WOMEN)  # the other gender: the pronoun has one antecedent
    verb, reason = rng.choice(VERBS)
    pronoun = "she" if she else "he"
    return {"text": f"{subject} {verb} {other} because {pronoun} {reason}.", "target_from": pronoun,
            "target_to": subject}


def _agreement(rng: random.Random) -> dict:
    singular = rng.random() < 0.5
    noun = rng.choice(NOUNS)[0 if singular else 1]
    distractor = rng.choice(PLACES) + ("s" if singular else "")  # the nearest noun has the other number
    verb = "is" if singular else "are"
    return {"text": f"The {noun} near the {distractor} {verb} {rng.choice(ADJECTIVES)}.", "target_from": verb,
            "target_to": noun}


def _list(rng: random.Random) -> dict:
    items = rng.sample(WORDS, rng.randint(3, 6))
    return {"text": "I bought " + ", ".join(items[:-1]) + f" and {items[-1]}."}


def _brackets(rng: random.Random) -> dict:
    a, b, c, d = (rng.choice(WORDS) for _ in range(4))
    # the first ")" closes the second "(": the head that matches brackets looks there
    return {"text": f"( {a} ( {b} {c} ) {d} )", "target_from": ")", "target_to": "(", "from_occurrence": 0,
            "to_occurrence": 1}


MAKERS = {"induction": _induction, "coreference": _coreference, "agreement": _agreement, "list": _list,
          "brackets": _brackets}


def builtin_corpus(n: int = 1000, seed: int = 0) -> Iterator[dict]:
    """n texts, the templates in turn, seeded: the same corpus every time."""
    rng = random.Random(seed)
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        yield {"template": template, **MAKERS[template](rng)}

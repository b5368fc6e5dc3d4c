"""The guided lesson's story, in order: each step's name keys its text in the catalogues (lesson.<name>.*)."""

STEPS = ("order", "by_hand", "scaling", "heads", "sinusoidal", "rotary", "real_heads", "words", "training")

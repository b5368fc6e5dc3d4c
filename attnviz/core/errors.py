"""Errors whose message tells a person how to fix their input; pages show them as they are."""


class AttnvizError(Exception):
    """A problem with what the user asked for, with a message written for them."""


class ModelNotFound(AttnvizError):
    pass


class NotAModel(AttnvizError):
    pass


class RemoteCodeRefused(AttnvizError):
    pass


class UnsupportedModel(AttnvizError):
    pass


class BadText(AttnvizError):
    pass


class ModelRefused(AttnvizError):
    """The operator's settings do not let a visitor load this model (the message never says whether it exists)."""


class CaptureTooLarge(AttnvizError):
    """A capture that would not fit the memory budget; the message names the way out."""


class MeasureUnavailable(AttnvizError):
    """A measure or a causal tool this model cannot give (no separable output projection, attention that
    bypasses the recording function, a layer norm on the residual stream, ...); the message says why."""

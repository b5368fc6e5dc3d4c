"""What a server's log may hold during the browser suite: the lines an operator would have to read past."""
import re

# What the server may log at WARNING or above, or as a traceback, during the browser suite: (pattern, why). Empty:
# every warning is a problem an operator would have to read past (issue 30: compare's lock and the sidebar's text set through the
# Session State API with a default, DuckDB's "nanobind: leaked" lines).
LOG_ALLOWED: tuple[tuple[str, str], ...] = ()
# a line that an operator must read: a level of WARNING or worse (the app's messageFormat names it), a traceback,
# a Python warning printed by the warnings module, an extension's leak report at exit
LOG_PROBLEM = re.compile(r" (WARNING|ERROR|CRITICAL) |Traceback \(most recent call last\)|^\S.*:\d+: \w*Warning: |"
                         r"nanobind: leaked")


def log_problems(text: str, allowed: tuple[tuple[str, str], ...] = LOG_ALLOWED) -> list[str]:
    """The lines of a server's log that an operator would have to read past: warnings, errors, tracebacks (not
    the allowed ones)."""
    return [line for line in text.splitlines() if LOG_PROBLEM.search(line)
            and not any(re.search(pattern, line) for pattern, _why in allowed)]

"""Head types: published scores per head (previous-token, duplicate-token, induction, sink, ...) and a census."""

"""The worked example: the computation, the example data from the articles, and number parsing."""

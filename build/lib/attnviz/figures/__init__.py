"""Arrays to figures (plots), a capture and its options to a figure and its table (views), and export."""

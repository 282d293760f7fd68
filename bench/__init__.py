"""`make bench`: every module here with a `run()` measures its budgets and prints a table."""

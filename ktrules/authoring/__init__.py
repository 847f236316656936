"""Tools for rule authors: case files (`cases`), criterion coverage (`coverage`), verdict diffs (`diff`)
and rule linting (`lint`)."""

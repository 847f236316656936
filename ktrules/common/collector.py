"""The cyclic garbage collector, held off while ktrules builds objects that are not garbage."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_collection(lasting: bool = False) -> Iterator[None]:
    """Parsing a province or evaluating it makes millions of objects and almost no cyclic garbage: the
    collector, run again and again over them and over the dataset, took half of loading and 40 % of
    evaluating (20,000 people, one process). Nested uses keep it off until the outermost ends.

    `lasting`: the objects made live as long as the dataset they are. They are moved to the oldest
    generation, as surviving collections would have moved them, instead of being gone through at once
    by the first collection after this (half a second for a province). Objects frozen before are thawed
    with them, so a worker sharing its parent's frozen pages does not ask for it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if lasting:
                gc.freeze()
                gc.unfreeze()
            gc.enable()

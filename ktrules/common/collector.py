"""The cyclic garbage collector, held off while ktrules builds objects that are not garbage."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_frozen = False  # objects are frozen (`freeze`): forked workers share their pages, a collection never thaws them


def freeze() -> None:
    """Keep every object made so far out of collections from now on: a dataset that forked workers share
    is then neither scanned by their collectors nor copied page by page as they run."""
    global _frozen
    gc.freeze()
    _frozen = True


def unfreeze() -> None:
    global _frozen
    gc.unfreeze()
    _frozen = False


@contextmanager
def no_collection() -> Iterator[None]:
    """Parsing a province or evaluating it makes millions of objects and almost no cyclic garbage: the
    collector, run again and again over them and over the dataset, took half of loading and 40 % of
    evaluating (20,000 people, one process). Nested uses keep it off until the outermost ends.

    The objects made, in the youngest generation, would all be gone through by the first collection
    after this (half a second for a province). They live as long as their dataset or evaluation, so they
    are moved to the oldest generation instead, as surviving collections would have moved them; not
    when objects are frozen (`freeze`), which moving them would thaw."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not _frozen:
                gc.freeze()
                gc.unfreeze()
            gc.enable()

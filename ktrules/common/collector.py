"""The cyclic garbage collector, held off while ktrules builds objects that are not garbage."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_frozen = 0  # how many `freeze` are in effect: frozen objects are shared with forked workers, not to be thawed


def freeze() -> None:
    """Keep every object made so far out of collections from now on: a dataset that forked workers share
    is then neither scanned by their collectors nor copied page by page as they run."""
    global _frozen
    gc.freeze()
    _frozen += 1


def unfreeze() -> None:
    """The end of a `freeze`; objects are thawed by the last (a server's worker, frozen since it
    started, stays frozen after a large request's workers are done)."""
    global _frozen
    _frozen -= 1
    if not _frozen:
        gc.unfreeze()


@contextmanager
def no_collection() -> Iterator[None]:
    """Parsing a province or evaluating it makes millions of objects and almost no cyclic garbage: the
    collector, run again and again over them and over the dataset, took half of loading and 28-44 % of
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

"""The one way Byline imports torch, and the one way it hides torch from spaCy.

spaCy's loader hides torch (``sys.modules["torch"] = None``) so that thinc does not import it, and
that is process-wide: an ``import torch`` in another thread meanwhile (ingest loads the embedding model
while its entity worker loads spaCy) would fail with "import of torch halted" on a machine whose ONNX
export is not cached yet. One lock serialises the two.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

_LOCK = threading.Lock()


def import_torch():
    """torch, imported while spaCy is not hiding it."""
    with _LOCK:
        import torch

    return torch


@contextmanager
def torch_hidden():
    """``import torch`` raises ImportError inside the block, unless torch was already imported."""
    with _LOCK:
        hide = "torch" not in sys.modules
        if hide:
            sys.modules["torch"] = None
        try:
            yield
        finally:
            if hide and sys.modules.get("torch", 0) is None:
                del sys.modules["torch"]

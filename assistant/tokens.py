"""Token counts for LLM prompt budgets and the API's ``usage``: tiktoken's ``cl100k_base``.

Plain ``tiktoken.get_encoding`` downloads the encoding on first use; llama-index-core ships it in its
``_static/tiktoken_cache``, which ``go_offline`` points tiktoken at, so counting never touches the
network. cl100k is not every model's tokenizer: counts are estimates, close enough for budgets.
"""

from __future__ import annotations

from functools import lru_cache

ENCODING = "cl100k_base"


@lru_cache(maxsize=1)
def _encoding():
    from assistant.offline import go_offline

    go_offline()
    import tiktoken

    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))

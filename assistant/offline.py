"""Switch off every library's network habit before it is imported.

Called first by every entry point; Byline never downloads models, tokenizers or telemetry.
"""

import os


def go_offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        import importlib.util

        # The top-level name only: finding "llama_index.core" would import the llama_index package.
        spec = importlib.util.find_spec("llama_index")
        for base in (spec.submodule_search_locations or []) if spec else []:
            cache = os.path.join(base, "core", "_static", "tiktoken_cache")
            if os.path.isdir(cache):
                os.environ["TIKTOKEN_CACHE_DIR"] = cache
                break

"""Byline: cited answers from a corpus of news articles.

    from assistant import Assistant
    bot = Assistant.from_settings(store="path/to/store")
    print(bot.ask("How many requests were lodged?").answer)
"""

from assistant.engine import Assistant
from assistant.errors import BylineError, InputError, LLMError, StoreError, StoreMissingError
from assistant.settings import Settings
from assistant.types import Answer, Article, Citation, Passage

__all__ = [
    "Answer", "Article", "Assistant", "BylineError", "Citation", "InputError", "LLMError",
    "Passage", "Settings", "StoreError", "StoreMissingError",
]

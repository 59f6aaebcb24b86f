"""``byline chat``: a conversation in the terminal."""


def run_chat(settings) -> int:
    raise NotImplementedError("byline chat is not built yet")

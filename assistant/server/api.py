"""The HTTP API under /v1 (OpenAI-compatible chat completions plus a native /v1/ask)."""


def build_api(app, bot, settings) -> None:
    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

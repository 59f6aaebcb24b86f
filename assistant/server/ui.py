"""The Gradio chat page."""


def build_ui(bot, settings):
    import gradio as gr

    def respond(message, history):
        return bot.ask(message).answer

    return gr.ChatInterface(respond, title="Byline")

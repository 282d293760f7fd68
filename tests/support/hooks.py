"""Hook ids and configs of the shared local hosts (see tests/conftest.py)."""

from __future__ import annotations

from localdify.config import app_uuid

DEMO_HOOK = "demo000000000001"  # demo bot, fast
REPLAY_HOOK = "replay0000000001"  # replay backend, chat-basic fixture, full parameters
PARAMS_EMPTY_HOOK = "paramsempty00001"  # demo bot whose app has no opening statement, questions or form
ACCESS_HOOK = "access0000000001"  # demo bot behind access code "sesame"
ACCESS_CODE = "sesame"
PROBE_HOOK = "probe00000000001"  # the test-only probe plugin (tests/plugins/probe)

DEMO_APP = "demo-chat"
REPLAY_APP = "replay-chat"
EMPTY_APP = "demo-empty"
# What the plugin and the backwards calls see: Dify's app ids are UUIDs.
DEMO_APP_ID = app_uuid(DEMO_APP)
REPLAY_APP_ID = app_uuid(REPLAY_APP)

# Tests want answers quickly but still streamed in many deltas.
FAST = 50


def _app(app_id: str) -> dict:
    return {"app_id": app_id, "inputs": {}, "files": []}


HOST_CONFIG = {
    "apps": {
        DEMO_APP: {"backend": "demo", "speed": FAST},
        REPLAY_APP: {"backend": "replay", "fixture": "chat-basic", "parameters": "full", "speed": FAST},
        EMPTY_APP: {"backend": "demo", "speed": FAST, "parameters": "empty"},
    },
    "endpoints": [
        {"hook_id": DEMO_HOOK, "name": "Demo", "settings": {"app": _app(DEMO_APP), "bot_name": "Demo Bot"}},
        {"hook_id": REPLAY_HOOK, "name": "Replay", "settings": {"app": _app(REPLAY_APP)}},
        {"hook_id": PARAMS_EMPTY_HOOK, "name": "Empty parameters", "settings": {"app": _app(EMPTY_APP)}},
        {
            "hook_id": ACCESS_HOOK,
            "name": "Access code",
            "settings": {"app": _app(DEMO_APP), "access_code": ACCESS_CODE},
        },
    ],
}

PROBE_CONFIG = {
    "apps": {
        DEMO_APP: {"backend": "demo", "speed": 0},
        REPLAY_APP: {"backend": "replay", "fixture": "chat-basic", "speed": 0},
    },
    "endpoints": [{"hook_id": PROBE_HOOK, "name": "Probe", "settings": {"app": _app(DEMO_APP)}}],
}

# A host of locked endpoints (tests/test_access_host.py, tests/browser/test_page_gate.py).
GATE_CODE = "4711"
LOCKED_HOOK = "locked0000000001"  # access code, welcome and questions from the settings
LOCKED_TOO_HOOK = "locked0000000002"  # access code, the app's own opening statement, questions and form
BROKEN_GATE_HOOK = "broken0000000001"  # an access code of invisible characters only: the page stays shut
GATE_PRIVATE = {"welcome_message": "Secret welcome W1", "suggested_questions": "Secret question Q1|Secret question Q2"}
GATE_CONFIG = {
    "apps": {DEMO_APP: {"backend": "demo", "speed": FAST}},
    "endpoints": [
        {
            "hook_id": LOCKED_HOOK,
            "name": "Locked",
            "settings": {"app": _app(DEMO_APP), "access_code": GATE_CODE, **GATE_PRIVATE},
        },
        {
            "hook_id": LOCKED_TOO_HOOK,
            "name": "Locked too",
            "settings": {"app": _app(DEMO_APP), "access_code": GATE_CODE},
        },
        {
            "hook_id": BROKEN_GATE_HOOK,
            "name": "Invisible code",
            "settings": {"app": _app(DEMO_APP), "access_code": "\u200b\u00a0 "},
        },
    ],
}

# A host of operator-customized endpoints (issue 15: tests/test_operators_host.py,
# tests/browser/test_page_operators.py).
# As docs/customizing.md advises: `:root:root` for tokens in every theme, `[data-skin]` before a rule.
OP_CSS = ":root:root{--cs-accent:#0f766e;--cs-user-bg:rgb(1, 2, 3)} [data-skin] .cs-title{letter-spacing:3px}"
OP_LOGO = "https://logo.invalid/brand.png"
OP_STYLED_HOOK = "opstyled00000001"  # custom_css, logo_url, timestamps (default on)
OP_PLAIN_HOOK = "opplain000000001"  # no custom_css, timestamps off
OP_BAD_CSS_HOOK = "opbadcss00000001"  # a custom_css the checker refuses
OP_TAB_HOOK = "optab00000000001"  # conversation_memory: tab
OP_NONE_HOOK = "opnone0000000001"  # conversation_memory: none
OP_APP = "op-demo"  # the demo bot with its full parameters: a form of `name` (text) and `tone` (select)
OP_CONFIG = {
    "apps": {OP_APP: {"backend": "demo", "speed": FAST}},
    "endpoints": [
        {
            "hook_id": OP_STYLED_HOOK,
            "name": "Styled",
            "settings": {"app": _app(OP_APP), "bot_name": "Brand Bot", "custom_css": OP_CSS, "logo_url": OP_LOGO},
        },
        {"hook_id": OP_PLAIN_HOOK, "name": "Plain", "settings": {"app": _app(OP_APP), "show_timestamps": False}},
        {
            "hook_id": OP_BAD_CSS_HOOK,
            "name": "Bad CSS",
            "settings": {"app": _app(OP_APP), "custom_css": ".a{background:\\75 rl(javascript:alert(1))}"},
        },
        {"hook_id": OP_TAB_HOOK, "name": "Tab", "settings": {"app": _app(OP_APP), "conversation_memory": "tab"}},
        {"hook_id": OP_NONE_HOOK, "name": "None", "settings": {"app": _app(OP_APP), "conversation_memory": "none"}},
    ],
}

# A host for feedback and the daily limit (tests/test_feedback_host.py, tests/browser/test_page_feedback.py).
FEEDBACK_HOOK = "feedback00000001"  # thumbs on, export key set
FEEDBACK_NOKEY_HOOK = "feedback00000002"  # thumbs on, no key: the export is off
FEEDBACK_LOCKED_HOOK = "feedback00000003"  # thumbs on behind an access code
LIMIT_HOOK = "limit00000000001"  # at most LIMIT messages a day; feedback off
FEEDBACK_KEY = "export-key-6f1c2a9e4b7d"
LIMIT = 2
FEEDBACK_CONFIG = {
    "apps": {DEMO_APP: {"backend": "demo", "speed": FAST}},
    "endpoints": [
        {
            "hook_id": FEEDBACK_HOOK,
            "name": "Feedback",
            "settings": {"app": _app(DEMO_APP), "feedback": True, "feedback_key": FEEDBACK_KEY},
        },
        {
            "hook_id": FEEDBACK_NOKEY_HOOK,
            "name": "Feedback, no key",
            "settings": {"app": _app(DEMO_APP), "feedback": True},
        },
        {
            "hook_id": FEEDBACK_LOCKED_HOOK,
            "name": "Feedback, locked",
            "settings": {"app": _app(DEMO_APP), "feedback": True, "access_code": GATE_CODE},
        },
        {
            "hook_id": LIMIT_HOOK,
            "name": "Daily limit",
            "settings": {"app": _app(DEMO_APP), "daily_message_limit": str(LIMIT)},
        },
    ],
}

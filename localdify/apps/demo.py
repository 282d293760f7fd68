"""The offline demo bot: realistic Dify event streams at a human pace, plus commands for every failure mode."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from localdify.apps.base import (
    STALE_CONVERSATION,
    Backend,
    Step,
    Turn,
    error_event,
    event,
    usage,
    wrapped_invalid_param,
)

COMMANDS = {
    "/help": "list these commands",
    "/agent": "an agent turn: a tool call with its observation, then `agent_message` deltas",
    "/flow": "a chatflow turn: workflow and node progress events around the answer",
    "/moderated": "text that moderation replaces mid-answer (`message_replace`)",
    "/long": "a very long answer (thousands of deltas)",
    "/slow": "a slow model: a long wait before the first token, then a slow trickle",
    "/unicode": "CJK, Korean, right-to-left text and emoji, split at awkward places",
    "/error": "an `error` chunk in the middle of the answer (no `message_end`)",
    "/quota": "a `provider_quota_exceeded` error chunk before any text",
    "/stale": "in an existing conversation: forget it and fail like Dify does for a stale conversation id",
    "/broken": "partial text, then the stream breaks (`read app failed: ...`)",
    "/pause": "a chatflow that stops at a human-input node: the stream ends without `message_end`",
    "/unpublished": "a chatflow with no published workflow (`unexpected app type`, wrapped in `invalid_param`)",
    "/nouser": "the end user is missing (`user not found`, wrapped in `invalid_param`)",
    "/endless": "a very long answer at human pace: the host's 240 s chat-stream cut ends it",
    "/echo": "answers the rest of the message verbatim (for testing hostile answers)",
    "/rich": "a 50,000-character answer with maths, highlighted code, mermaid, ECharts and SVG",
}

CITATIONS = [
    {
        "position": 1,
        "dataset_id": "5d1c0f64-demo-kb",
        "dataset_name": "Lighthouse handbook",
        "document_id": "doc-keeper-01",
        "document_name": "keeping-the-light.md",
        "segment_id": "seg-0007",
        "score": 0.9112,
        "content": "The lamp is lit thirty minutes before sunset and trimmed every four hours through the night.",
    },
    {
        "position": 2,
        "dataset_id": "5d1c0f64-demo-kb",
        "dataset_name": "Lighthouse handbook",
        "document_id": "doc-keeper-02",
        "document_name": "fog-signals.pdf",
        "segment_id": "seg-0031",
        "score": 0.7786,
        "content": "In fog the horn sounds two short blasts every ninety seconds until visibility exceeds two miles.",
    },
]

DEMO_PARAMETERS: dict[str, Any] = {
    "opening_statement": (
        "Hello! I'm the **Chat Skins demo bot**. I answer offline, so you can try every skin without a Dify "
        "account. Type `/help` to see the commands that show how a page handles agents, workflows and errors."
    ),
    "suggested_questions": [
        "What can you show me?",
        "How does a lighthouse keeper spend the night?",
        "/agent",
    ],
    "suggested_questions_after_answer": {"enabled": True},
    "speech_to_text": {"enabled": False},
    "text_to_speech": {"enabled": False, "voice": "", "language": ""},
    "retriever_resource": {"enabled": True},
    "annotation_reply": {"enabled": False},
    "more_like_this": {"enabled": False},
    "user_input_form": [
        {"text-input": {"label": "Your name", "variable": "name", "required": False, "max_length": 40, "default": ""}},
        {
            "select": {
                "label": "Tone",
                "variable": "tone",
                "required": False,
                "options": ["Friendly", "Brief"],
                "default": "Friendly",
            }
        },
    ],
    "sensitive_word_avoidance": {"enabled": False},
    "file_upload": {"image": {"enabled": False}},
    "system_parameters": {
        "image_file_size_limit": 10,
        "video_file_size_limit": 100,
        "audio_file_size_limit": 50,
        "file_size_limit": 15,
        "workflow_file_upload_limit": 10,
    },
}

EMPTY_PARAMETERS: dict[str, Any] = {
    "opening_statement": "",
    "suggested_questions": [],
    "suggested_questions_after_answer": {"enabled": False},
    "speech_to_text": {"enabled": False},
    "text_to_speech": {"enabled": False},
    "retriever_resource": {"enabled": False},
    "annotation_reply": {"enabled": False},
    "more_like_this": {"enabled": False},
    "user_input_form": [],
    "sensitive_word_avoidance": {"enabled": False},
    "file_upload": {},
    "system_parameters": {},
}

UNICODE_TEXT = (
    "Greetings in a few scripts:\n\n"
    "- 中文：灯塔在雾中依然明亮。\n"
    "- 日本語：灯台守は夜通し灯りを守ります。\n"
    "- 한국어: 등대지기는 밤새 불을 지킵니다.\n"
    "- العربية: المنارة تضيء الطريق للسفن.\n"
    "- עברית: המגדלור מאיר את הדרך.\n"
    "- Emoji: 👩🏽‍🚀 🏳️‍🌈 👨‍👩‍👧‍👦 🇯🇵\n"
    "- Combining marks: e\u0301te\u0301, n\u0303, a\u0308\n"
)


def _pieces(text: str, rng: random.Random, low: int = 2, high: int = 7) -> Iterator[str]:
    """Split text into model-like deltas, sometimes inside words and multi-byte sequences."""
    i = 0
    while i < len(text):
        n = rng.randint(low, high)
        yield text[i : i + n]
        i += n


def _answer_text(turn: Turn) -> str:
    name = str(turn.inputs.get("name") or "").strip()
    brief = str(turn.inputs.get("tone") or "") == "Brief"
    hello = f"Hi {name}! " if name else ""
    topic = turn.query.strip().rstrip("?.!") or "that"
    if len(topic) > 60:
        topic = topic[:57] + "..."
    where = "the start of our conversation" if turn.number == 1 else f"message {turn.number} in this conversation"
    if brief:
        return f"{hello}Short answer about *{topic}*: keep the light burning and log every ship. ({where})"
    if turn.query.strip().lower() in ("hi", "hello", "hey", "what can you show me", "what can you show me?"):
        return (
            f"{hello}I'm a demo bot that streams answers the way a Dify app does.\n\n"
            "Try one of these:\n\n"
            + "\n".join(f"- `{cmd}` — {desc}" for cmd, desc in COMMANDS.items())
            + "\n\nAnything else gets a sample answer with **markdown**, a table, code and two citations."
        )
    return (
        f"{hello}Here is what I found about **{topic}** ({where}).\n\n"
        "### The night watch\n\n"
        "1. Light the lamp *before* sunset.\n"
        "2. Trim the wick every few hours.\n"
        "3. Log passing ships and the weather.\n\n"
        "Things to keep at hand:\n\n"
        "- spare mantles and a wick trimmer\n"
        "- the fog horn's maintenance card\n"
        "- a thermos of tea\n\n"
        "| Hour | Task | Who |\n"
        "| --- | --- | --- |\n"
        "| 18:00 | Light the lamp | Keeper |\n"
        "| 22:00 | Trim and log | Assistant |\n"
        "| 02:00 | Check the fog | Keeper |\n\n"
        "A tiny script that rounds a log time to the watch:\n\n"
        "```python\n"
        "def watch_of(hour: int) -> str:\n"
        '    """Which watch a log entry belongs to."""\n'
        '    return "first" if 18 <= hour or hour < 2 else "middle"\n'
        "```\n\n"
        "Inline code looks like `watch_of(22)`, and links look like "
        "[the Dify docs](https://docs.dify.ai/). Sources are listed below."
    )


def _long_text() -> str:
    rng = random.Random(7)
    words = (
        "lamp keeper tide harbor beacon lantern signal horizon fog bell rope ledger oil wick glass "
        "gull storm current chart compass"
    ).split()
    parts = ["# A very long log\n"]
    for section in range(1, 41):
        parts.append(f"\n## Night {section}\n\n")
        for _ in range(5):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(10, 22)))
            parts.append(sentence.capitalize() + ". ")
        parts.append(f"\n\n- item {section}.1 with `code`\n- item {section}.2 with **bold**\n")
    return "".join(parts)


def _rich_text(size: int = 50_000) -> str:
    """Maths, code in two languages and a diagram in most sections, up to about `size` characters; long
    paragraphs keep it within the renderer's element budget, so all of it renders as markdown."""
    rng = random.Random(13)
    words = "lamp keeper tide harbor beacon lantern signal fog bell ledger oil wick glass chart".split()
    parts = ["# Rich log\n"]
    section = 0
    while sum(map(len, parts)) < size:
        section += 1
        prose = [" ".join(rng.choice(words) for _ in range(90)).capitalize() for _ in range(3)]
        parts.append(
            f"\n## Watch {section}\n\n{prose[0]}, where $E = mc^{section}$ and \\(x\\,dx\\) cost $5 and $10.\n\n"
            f"{prose[1]}.\n\n$$\\int_0^{{{section}}} x^2\\,dx = \\frac{{{section}^3}}{{3}}$$\n\n{prose[2]}.\n\n"
            f"```python\ndef watch(hour: int) -> str:\n"
            f'    """Round {section}."""\n    return f"{{hour:02d}}:{section:02d}"  # log\n```\n\n'
            f"```javascript\nconst tide = (h) => Math.sin(h / {section}) * 2.5; // metres\n```\n"
        )
        if section % 3 == 1:
            parts.append(
                f"\n```mermaid\ngraph LR\n  A[Dusk {section}] --> B{{Fog?}}\n"
                "  B -->|yes| C[Horn]\n  B -->|no| D[Lamp]\n```\n"
            )
        elif section % 3 == 2:
            values = [rng.randint(1, 9) for _ in range(4)]
            parts.append(
                '\n```echarts\n{"xAxis": {"type": "category", "data": ["18h", "22h", "02h", "06h"]}, '
                f'"yAxis": {{"type": "value"}}, "series": [{{"type": "line", "data": {values}}}]}}\n```\n'
            )
        else:
            parts.append(
                '\n```svg\n<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
                '<rect width="120" height="40" rx="6" fill="#2a6f97"/>'
                f'<text x="12" y="26" fill="#fff">{section}</text></svg>\n```\n'
            )
    return "".join(parts)


class DemoBackend(Backend):
    """Offline bot; `speed` scales every pause (2 = twice as fast, 0 = no pauses)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.speed = float(options.get("speed", 1.0))
        self.parameters_kind = str(options.get("parameters", "full"))
        if self.parameters_kind not in ("full", "empty"):
            raise ValueError(f"demo app: parameters must be full or empty, got {self.parameters_kind!r}")
        # Conversations the /stale command has just forgotten; the chat service drops them.
        self.forget: set[str] = set()

    def parameters(self) -> dict[str, Any]:
        return DEMO_PARAMETERS if self.parameters_kind == "full" else EMPTY_PARAMETERS

    def _pause(self, seconds: float) -> Step:
        return ("pause", 0.0 if self.speed <= 0 else seconds / self.speed)

    def _deltas(self, turn: Turn, text: str, name: str = "message", gap: float = 0.03, rng=None) -> Iterator[Step]:
        rng = rng or random.Random(turn.query)
        for piece in _pieces(text, rng):
            yield self._pause(gap)
            yield ("chunk", event(turn, name, answer=piece))

    def _end(self, turn: Turn, citations: list[dict] | None = None, tokens: int = 200) -> Step:
        metadata: dict[str, Any] = {"usage": usage(380, tokens, 2.4)}
        if citations:
            metadata["retriever_resources"] = citations
        return ("chunk", event(turn, "message_end", metadata=metadata, files=[]))

    def stream(self, turn: Turn) -> Iterator[Step]:
        command = turn.query.strip().split()[0].lower() if turn.query.strip() else ""
        handler = getattr(self, "_cmd_" + command[1:], None) if command.startswith("/") else None
        if handler is None:
            return self._chat(turn)
        return handler(turn)

    def _chat(self, turn: Turn) -> Iterator[Step]:
        yield self._pause(0.35)
        yield from self._deltas(turn, _answer_text(turn))
        yield self._end(turn, CITATIONS[: 1 + (turn.number % 2)])

    def _cmd_help(self, turn: Turn) -> Iterator[Step]:
        text = "Demo commands:\n\n" + "\n".join(f"- `{c}` — {d}" for c, d in COMMANDS.items())
        text += "\n\nAnything else gets a sample markdown answer with citations."
        yield self._pause(0.2)
        yield from self._deltas(turn, text, gap=0.01)
        yield self._end(turn)

    def _cmd_agent(self, turn: Turn) -> Iterator[Step]:
        tool_input = '{"tide_table": {"harbor": "Port Ellery", "date": "today"}}'
        thought_id = turn.message_id
        common = {"position": 1, "tool": "tide_table", "tool_input": tool_input, "message_files": []}
        labels = {"tide_table": {"en_US": "Tide table", "zh_Hans": "潮汐表"}}
        yield self._pause(0.4)
        yield ("chunk", event(turn, "agent_thought", thought="", observation="", tool_labels=labels, **common))
        yield self._pause(1.2)
        observation = '{"tide_table": "High water 06:12 (4.1 m), low water 12:25 (0.9 m)"}'
        yield (
            "chunk",
            event(
                turn,
                "agent_thought",
                thought="I looked up today's tides.",
                observation=observation,
                tool_labels={},
                **common,
            ),
        )
        text = "High water in Port Ellery is at **06:12** (4.1 m) and low water at **12:25** (0.9 m)."
        yield from self._deltas(turn, text, name="agent_message")
        final = {"position": 2, "tool": "", "tool_input": "", "message_files": [], "tool_labels": {}}
        yield ("chunk", event(turn, "agent_thought", id=thought_id, thought=text, observation="", **final))
        yield self._end(turn)

    def _cmd_flow(self, turn: Turn) -> Iterator[Step]:
        run_id = turn.task_id
        base = {"workflow_run_id": run_id}
        yield self._pause(0.1)
        yield (
            "chunk",
            event(
                turn,
                "workflow_started",
                **base,
                data={
                    "id": run_id,
                    "workflow_id": "demo-flow",
                    "inputs": {"sys.query": turn.query},
                    "created_at": turn.created_at,
                },
            ),
        )
        nodes = [("start", "Start"), ("knowledge-retrieval", "Search the handbook"), ("llm", "Write the answer")]
        for index, (node_type, title) in enumerate(nodes, start=1):
            node = {
                "id": f"{run_id}-{index}",
                "node_id": f"node-{index}",
                "node_type": node_type,
                "title": title,
                "index": index,
            }
            yield (
                "chunk",
                event(turn, "node_started", **base, data={**node, "predecessor_node_id": None, "inputs": None}),
            )
            if node_type != "llm":
                yield self._pause(0.6)
                yield (
                    "chunk",
                    event(
                        turn,
                        "node_finished",
                        **base,
                        data={**node, "status": "succeeded", "error": None, "elapsed_time": 0.6, "outputs": None},
                    ),
                )
        text = "The handbook says the lamp is lit **thirty minutes before sunset** and trimmed every four hours."
        yield from self._deltas(turn, text)
        llm = {"id": f"{run_id}-3", "node_id": "node-3", "node_type": "llm", "title": "Write the answer", "index": 3}
        yield (
            "chunk",
            event(
                turn, "node_finished", **base, data={**llm, "status": "succeeded", "error": None, "elapsed_time": 1.4}
            ),
        )
        answer = {"id": f"{run_id}-4", "node_id": "node-4", "node_type": "answer", "title": "Answer", "index": 4}
        yield (
            "chunk",
            event(turn, "node_started", **base, data={**answer, "predecessor_node_id": "node-3", "inputs": None}),
        )
        yield (
            "chunk",
            event(
                turn,
                "node_finished",
                **base,
                data={**answer, "status": "succeeded", "error": None, "elapsed_time": 0.01},
            ),
        )
        yield (
            "chunk",
            event(
                turn,
                "workflow_finished",
                **base,
                data={
                    "id": run_id,
                    "workflow_id": "demo-flow",
                    "status": "succeeded",
                    "outputs": {"answer": text},
                    "error": None,
                    "elapsed_time": 2.6,
                    "total_tokens": 420,
                    "total_steps": 4,
                },
            ),
        )
        yield self._end(turn, CITATIONS[:1])

    def _cmd_moderated(self, turn: Turn) -> Iterator[Step]:
        yield self._pause(0.3)
        yield from self._deltas(turn, "Sure, here is the secret recipe for the keeper's famous ")
        yield self._pause(0.3)
        replacement = "Sorry, I can't share that. (The moderation layer replaced this answer.)"
        yield ("chunk", event(turn, "message_replace", answer=replacement, reason="output_moderation"))
        yield self._end(turn)

    def _cmd_long(self, turn: Turn) -> Iterator[Step]:
        yield self._pause(0.2)
        yield from self._deltas(turn, _long_text(), gap=0.004)
        yield self._end(turn, CITATIONS, tokens=9000)

    def _cmd_rich(self, turn: Turn) -> Iterator[Step]:
        yield self._pause(0.2)
        yield from self._deltas(turn, _rich_text(), gap=0.004)
        yield self._end(turn, tokens=15000)

    def _cmd_slow(self, turn: Turn) -> Iterator[Step]:
        yield self._pause(4.0)
        yield from self._deltas(turn, "Sorry for the wait... the model is thinking very slowly today.", gap=0.25)
        yield self._end(turn)

    def _cmd_unicode(self, turn: Turn) -> Iterator[Step]:
        yield self._pause(0.2)
        yield from self._deltas(turn, UNICODE_TEXT, gap=0.03, rng=random.Random(3))
        yield self._end(turn)

    def _cmd_error(self, turn: Turn) -> Iterator[Step]:
        yield self._pause(0.3)
        yield from self._deltas(turn, "Let me check the weather log for you. The last entry says ")
        yield self._pause(0.5)
        yield ("chunk", error_event(turn, "completion_request_error", "[demo] Error: the model timed out mid-answer."))

    def _cmd_quota(self, turn: Turn) -> Iterator[Step]:
        yield self._pause(0.3)
        message = (
            "Your quota for the demo model provider has been exhausted. "
            "Please go to Settings -> Model Provider to complete your own provider credentials."
        )
        yield ("chunk", error_event(turn, "provider_quota_exceeded", message))

    def _cmd_stale(self, turn: Turn) -> Iterator[Step]:
        if turn.number > 1:
            # Forget the conversation, as if it was deleted in Dify, and fail exactly like Dify does.
            self.forget.add(str(turn.conversation_id))
            yield self._pause(0.2)
            yield ("fail", STALE_CONVERSATION)
            return
        yield self._pause(0.2)
        text = (
            "This is a **fresh conversation**. If you saw this after `/stale`, the page started over "
            "after Dify refused the old conversation id, which is what it should do."
        )
        yield from self._deltas(turn, text)
        yield self._end(turn)

    def _cmd_broken(self, turn: Turn) -> Iterator[Step]:
        yield self._pause(0.3)
        yield from self._deltas(turn, "The first three steps are: open the shutters, clean the ")
        yield self._pause(0.4)
        yield ("fail", "read app failed: request failed: unexpected EOF")

    def _cmd_pause(self, turn: Turn) -> Iterator[Step]:
        run_id = turn.task_id
        yield self._pause(0.1)
        yield ("chunk", event(turn, "workflow_started", workflow_run_id=run_id, data={"id": run_id}))
        yield from self._deltas(turn, "Your refund needs a manager's approval. ")
        node = {"id": f"{run_id}-2", "node_id": "node-2", "node_type": "human-input", "title": "Manager approval"}
        yield ("chunk", event(turn, "node_started", workflow_run_id=run_id, data=node))
        # Newer Dify names this event differently across versions; the plugin must not depend on the name.
        yield ("chunk", event(turn, "workflow_paused", workflow_run_id=run_id, data={"id": run_id, "reason": "human"}))

    def _cmd_unpublished(self, turn: Turn) -> Iterator[Step]:
        yield ("fail", wrapped_invalid_param("unexpected app type"))

    def _cmd_nouser(self, turn: Turn) -> Iterator[Step]:
        yield ("fail", wrapped_invalid_param("user not found"))

    def _cmd_endless(self, turn: Turn) -> Iterator[Step]:
        # Long enough at human pace to outlast the 240 s cut; finite so a fast replay still ends.
        yield self._pause(0.1)
        yield from self._deltas(turn, "The fog horn sounds again. " * 1000, gap=0.05, rng=random.Random(7))

    def _cmd_echo(self, turn: Turn) -> Iterator[Step]:
        query = turn.query.lstrip()
        text = query[len("/echo") :].removeprefix(" ")
        yield self._pause(0.05)
        if len(text) > 2_000:
            yield ("chunk", event(turn, "message", answer=text))  # long payloads in one delta
        else:
            yield from self._deltas(turn, text, gap=0.0)
        yield self._end(turn)

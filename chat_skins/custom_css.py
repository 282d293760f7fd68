"""The operator's `custom_css`: checked on the server, then served as a same-origin stylesheet.

The check is a whitelist of shapes, not a repair: the text is tokenized the way a browser reads CSS
(escapes decoded, comments and strings skipped), every token must be harmless, and the braces must
balance. Anything else drops the whole value (with a log line): a half-applied stylesheet is worse
than none, and nothing an operator pastes may break the page or reach the DOM as markup.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from werkzeug import Request, Response

from chat_skins import web
from chat_skins.assets import IMMUTABLE
from chat_skins.settings import Settings, settings_for

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024
ROUTE = "operator.css"
CONTENT_TYPE = "text/css; charset=utf-8"

# Words that make a browser fetch, run or bind something, in any spelling (escapes are decoded first).
_FORBIDDEN_WORDS = ("expression", "behavior", "behaviour", "-moz-binding", "binding", "javascript", "vbscript")
# At-rules a stylesheet of looks may use; @import, @namespace, @charset and unknown ones are refused.
_AT_RULES = frozenset(
    {
        "media",
        "supports",
        "container",
        "layer",
        "keyframes",
        "-webkit-keyframes",
        "font-feature-values",
        "property",
        "scope",
        "starting-style",
        "counter-style",
        "font-face",
        "page",
    }
)
_IDENT = re.compile(r"-?(?:[A-Za-z_\u0080-\U0010ffff]|--)[-\w\u0080-\U0010ffff]*")
# No quotes, brackets, `@` or spaces: nothing in a URL can end the token or read as structure.
_HTTPS_URL = re.compile(
    r"^https://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%!$&*+,;=:/-]*)?(?:\?[A-Za-z0-9._~%!$&*+,;=:/?-]*)?$"
)
_NAIVE_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_DATA_IMAGE = re.compile(r"^data:image/(?:png|gif|jpeg|webp|avif);base64,[A-Za-z0-9+/]+=*$")


class Unsafe(ValueError):
    """The CSS holds something this module does not let through."""


@dataclass(frozen=True)
class CustomCss:
    """A checked stylesheet: its text and the short hash that versions its URL."""

    text: str
    digest: str

    @property
    def url(self) -> str:
        """Relative to the page, like every other asset URL."""
        return f"{ROUTE}?v={self.digest}"


def _unescape(css: str, i: int) -> tuple[str, int]:
    """The character a backslash escape at `css[i]` stands for, and the index after it."""
    j = i + 1
    if j >= len(css):
        return "\ufffd", j
    hex_digits = re.match(r"[0-9A-Fa-f]{1,6}", css[j:])
    if hex_digits:
        j += len(hex_digits.group())
        if j < len(css) and css[j] in " \t\n\r\f":
            j += 1
        code = int(hex_digits.group(), 16)
        ok = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
        return (chr(code) if ok else "\ufffd"), j
    if css[j] in "\n\r\f":
        raise Unsafe("a backslash before a line break")
    return css[j], j + 1


def _decode(css: str, comment: str = " ") -> str:
    """The CSS with every escape outside strings replaced by its character, and comments removed.

    Strings keep their quotes; their escapes are decoded too, since a URL or a word can hide there.
    """
    out: list[str] = []
    i = 0
    n = len(css)
    while i < n:
        ch = css[i]
        if ch == "/" and css.startswith("/*", i):
            end = css.find("*/", i + 2)
            if end < 0:
                raise Unsafe("an unclosed comment")
            out.append(comment)
            i = end + 2
        elif ch == "\\":
            decoded, i = _unescape(css, i)
            # A decoded quote, brace or backslash is a literal character in CSS: never structure.
            out.append(decoded if decoded.isalnum() or decoded in "-_ " else "\ufffd")
        elif ch == "(" and re.search(r"(?<![-\w])url$", "".join(out[-4:]), re.IGNORECASE):
            i = _url_token(css, i + 1, out)
        elif ch in "\"'":
            j = i + 1
            chars = [ch]
            while True:
                if j >= n or css[j] in "\n\r\f":
                    raise Unsafe("an unclosed string")
                if css[j] == ch:
                    break
                if css[j] == "\\":
                    if j + 1 < n and css[j + 1] in "\n\r\f":
                        raise Unsafe("a string continued over a line break")
                    decoded, j = _unescape(css, j)
                    chars.append(decoded if decoded not in "\"'\\" else "\ufffd")
                else:
                    chars.append(css[j])
                    j += 1
            chars.append(ch)
            out.append("".join(chars))
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _url_token(css: str, i: int, out: list[str]) -> int:
    """Reads what follows `url(`: a quoted string is left to the caller, an unquoted URL is taken whole.

    Inside an unquoted url() a browser reads no comments: the URL must be taken the same way here.
    """
    j = i
    while j < len(css) and css[j] in " \t\n\r\f":
        j += 1
    if j < len(css) and css[j] in "\"'":
        out.append("(")
        return i
    chars: list[str] = []
    while True:
        if j >= len(css):
            raise Unsafe("an unclosed url(")
        ch = css[j]
        if ch == ")":
            break
        if ch in "\"'(" or ch in " \t\n\r\f" and css[j:].lstrip(" \t\n\r\f")[:1] != ")":
            raise Unsafe("a malformed url(")
        if ch == "\\":
            decoded, j = _unescape(css, j)
            chars.append(decoded)
        else:
            chars.append(ch)
            j += 1
    out.append("(" + "".join(chars).strip() + ")")
    return j + 1


def _check_urls(decoded: str) -> None:
    """Every `url(...)` (and `src(...)`, `image-set(...)` strings) points at https: or an inline image."""
    lowered = decoded.lower()
    for match in re.finditer(r"(?<![-\w])(url|src)\s*\(", lowered):
        start = match.end()
        end = lowered.find(")", start)
        if end < 0:
            raise Unsafe("an unclosed url(")
        target = decoded[start:end].strip()
        if target[:1] in "\"'" and target[-1:] == target[:1] and len(target) >= 2:
            target = target[1:-1]
        if not (_HTTPS_URL.match(target) or _DATA_IMAGE.match(target)):
            raise Unsafe(f"a url() that is neither https: nor data:image/: {target[:60]!r}")
    # image-set("a.png" 1x) and friends load bare strings: allow them only as https or inline images.
    for match in re.finditer(r"(?<![-\w])(?:-webkit-|-moz-)?(?:image-set|image|cross-fade|element)\s*\(", lowered):
        if "element" in match.group():
            raise Unsafe("element()")
        end = lowered.find(")", match.end())
        inner = decoded[match.end() : end if end >= 0 else len(decoded)]
        for quoted in re.findall(r"\"([^\"]*)\"|'([^']*)'", inner):
            target = quoted[0] or quoted[1]
            if not (_HTTPS_URL.match(target) or _DATA_IMAGE.match(target)):
                raise Unsafe("an image-set() source that is neither https: nor data:image/")


def _check_structure(decoded: str) -> None:
    """Balanced braces and brackets outside strings, allowed at-rules, nothing that reads as markup."""
    stack: list[str] = []
    pairs = {"}": "{", ")": "(", "]": "["}
    i = 0
    n = len(decoded)
    while i < n:
        ch = decoded[i]
        if ch in "\"'":
            i = decoded.index(ch, i + 1) + 1
            continue
        if ch in "{([":
            stack.append(ch)
        elif ch in "})]":
            if not stack or stack.pop() != pairs[ch]:
                raise Unsafe("unbalanced brackets")
        elif ch == "@":
            name = _IDENT.match(decoded, i + 1)
            if not name or name.group().lower() not in _AT_RULES:
                raise Unsafe(f"the at-rule @{name.group() if name else ''}")
        i += 1
    if stack:
        raise Unsafe("unbalanced brackets")


def _check_words(decoded: str) -> None:
    lowered = decoded.lower()
    for word in _FORBIDDEN_WORDS:
        if word in lowered:
            raise Unsafe(f"the word {word!r}")
    # Markup: nothing that could end the <style> context, start a tag or an HTML comment.
    if "<" in decoded or "-->" in decoded:
        raise Unsafe("markup ('<' or '-->')")
    if "\x00" in decoded or "\ufffd" in decoded:
        raise Unsafe("a character that cannot be sent")


def check(css: str) -> str:
    """The CSS as it will be served, or raises Unsafe; pure."""
    if len(css.encode("utf-8")) > MAX_BYTES:
        raise Unsafe(f"more than {MAX_BYTES} bytes")
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in css) or "\x7f" in css:
        raise Unsafe("control characters")
    if "<" in css:
        raise Unsafe("a '<' (markup)")
    decoded = _decode(css)
    _check_words(decoded)
    # Old engines joined the words around a comment (`expr/**/ession`), and a reader that misses a string's
    # edge sees comments inside it: check the text with every comment-like span removed, strings or not.
    joined = _decode(_NAIVE_COMMENT.sub("", css), comment="")
    _check_words(joined)
    # Not even inside a string: a reader that misses a string's edge must not meet a fetching at-rule.
    if re.search(r"@(?:import|namespace)", joined, re.IGNORECASE):
        raise Unsafe("@import or @namespace")
    _check_structure(decoded)
    _check_urls(decoded)
    # Served as written (the browser decodes the same escapes we checked); a header line says where from.
    return "/* custom_css of this endpoint */\n" + css.strip() + "\n"


@lru_cache(maxsize=32)
def custom_css(value: str) -> CustomCss | None:
    """The served stylesheet for a `custom_css` setting, or None when empty or refused (logged once)."""
    if not value or not value.strip():
        return None
    try:
        text = check(value)
    except Unsafe as why:
        logger.warning("custom_css: the setting was dropped (%s); the page is served without it", why)
        return None
    return CustomCss(text, hashlib.sha256(text.encode("utf-8")).hexdigest()[:12])


def serve_custom_css(request: Request, raw_settings: Settings | Mapping | None) -> Response:
    """GET operator.css: the endpoint's checked stylesheet (immutable under its own hash), else a JSON 404."""
    settings, _ = settings_for(raw_settings)
    sheet = custom_css(settings.custom_css)
    if sheet is None:
        return web.not_found("This endpoint has no custom stylesheet.")
    versioned = request.args.get("v") == sheet.digest
    return web.answer(
        request,
        _body(sheet.text),
        CONTENT_TYPE,
        [("X-Content-Type-Options", "nosniff")],
        # An old page asking for an older version gets today's text, but must not keep it forever.
        cache_control=IMMUTABLE if versioned else "no-cache",
    )


@lru_cache(maxsize=8)
def _body(text: str) -> web.Body:
    return web.Body.of(text.encode("utf-8"))

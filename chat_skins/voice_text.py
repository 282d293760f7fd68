"""Markdown answers as text a voice can read: no code, no URLs, no markup (pure)."""

from __future__ import annotations

import html
import re

# Short inline code is usually a word the sentence needs ("type `yes`"); longer spans are code.
INLINE_CODE_WORD_LIMIT = 40

_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*\1[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
_MATH_BLOCK = re.compile(r"\$\$.*?\$\$", re.DOTALL)
_INDENTED_CODE = re.compile(r"(?:^(?: {4}|\t)[^\n]*\n?)+", re.MULTILINE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_REF_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_FOOTNOTE = re.compile(r"\[\^[^\]\n]+\]")
_AUTOLINK = re.compile(r"<(?:[a-z][a-z0-9+.-]*:|www\.)[^>\s]*>", re.IGNORECASE)
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s<>()\[\]]+", re.IGNORECASE)
_TAG = re.compile(r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>", re.IGNORECASE)
_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.MULTILINE)
_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.MULTILINE)
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?", re.MULTILINE)
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE)
_TABLE_SEPARATOR = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*{1,3}|~~)(?=\S)(.+?)(?<=\S)\1", re.DOTALL)
# Underscores mark emphasis only at word edges: snake_case names keep theirs.
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{2,}")


def _inline_code(match: re.Match[str]) -> str:
    content = match.group(2).strip()
    return content if len(content) <= INLINE_CODE_WORD_LIMIT and "\n" not in content else " "


def _table_row(line: str) -> str:
    """`| a | b |` read as `a, b`."""
    if line.count("|") < 2:
        return line
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return ", ".join(cell for cell in cells if cell)


def speakable(markdown: str) -> str:
    """The words of a Markdown answer, one paragraph or item per line, ready for a TTS model."""
    text = markdown.replace("\r\n", "\n").replace("\r", "\n")
    text = _THINK.sub("\n", text)
    text = _FENCE.sub("\n", text)
    text = _MATH_BLOCK.sub(" ", text)
    text = _INDENTED_CODE.sub("\n", text)
    text = _HTML_COMMENT.sub(" ", text)
    text = _REF_DEFINITION.sub("", text)
    text = _INLINE_CODE.sub(_inline_code, text)
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _REF_LINK.sub(lambda m: m.group(1), text)
    text = _FOOTNOTE.sub("", text)
    text = _AUTOLINK.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _TABLE_SEPARATOR.sub("", text)
    text = _RULE.sub("", text)
    text = _HEADING.sub(lambda m: m.group(1), text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub("", text)
    text = _INLINE_MATH.sub(lambda m: m.group(1), text)
    for _ in range(3):  # nested emphasis (***bold italic*** inside __strong__)
        text = _EMPHASIS.sub(lambda m: m.group(2), text)
        text = _UNDERSCORE_EMPHASIS.sub(lambda m: m.group(2), text)
    text = html.unescape(text)
    lines = (_SPACES.sub(" ", _table_row(line)).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if _has_word(line))).strip()


def _has_word(line: str) -> bool:
    # A line of only punctuation (a table border, a lone bullet) is silence for a voice.
    return any(ch.isalnum() for ch in line)

"""The skin gallery at `/skins`: a live preview of every skin, with copyable URLs and snippets."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug import Request, Response

from chat_skins.assets import asset_url
from chat_skins.page_config import normalize_language, request_language
from chat_skins.security import page_headers
from chat_skins.settings import Settings, parse_settings
from chat_skins.skins import SKINS

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))

# The gallery's own words; skin names and descriptions stay as the registry has them.
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Chat skins",
        "intro": "Every skin is a complete chat page for the same bot. Previews show a sample conversation "
        "and never call the bot. Pick one, then copy its link, an iframe, or the one-line embed script.",
        "light": "Light",
        "dark": "Dark",
        "preview": "{skin} preview, {theme}",
        "copy_url": "Copy link",
        "copy_iframe": "Copy iframe",
        "copy_script": "Copy embed script",
        "open": "Open {skin}",
        "copied": "Copied to the clipboard.",
        "copy_failed": "Could not copy. Select the text and copy it by hand.",
        "default": "Default at /",
        "skins": "Skins",
        "framing_title": "Who may embed these pages",
        "framing_any": "Any website (allowed_origins is empty or *).",
        "framing_self": "Only this Dify site.",
        "framing_list": "This Dify site and:",
        "framing_dropped": "Ignored entries of allowed_origins (each must look like https://example.com):",
    },
    "zh-Hans": {
        "title": "聊天皮肤",
        "intro": "每款皮肤都是同一个机器人的完整聊天页面。预览显示示例对话，不会调用机器人。"
        "选好后可复制链接、iframe 代码或一行嵌入脚本。",
        "light": "浅色",
        "dark": "深色",
        "preview": "{skin} 预览（{theme}）",
        "copy_url": "复制链接",
        "copy_iframe": "复制 iframe",
        "copy_script": "复制嵌入脚本",
        "open": "打开 {skin}",
        "copied": "已复制到剪贴板。",
        "copy_failed": "无法复制，请手动选择文字复制。",
        "default": "根地址默认",
        "skins": "皮肤",
        "framing_title": "谁可以嵌入这些页面",
        "framing_any": "任何网站（allowed_origins 为空或为 *）。",
        "framing_self": "仅限此 Dify 站点。",
        "framing_list": "此 Dify 站点，以及：",
        "framing_dropped": "已忽略的 allowed_origins 条目（每项都应形如 https://example.com）：",
    },
    "ja": {
        "title": "チャットスキン",
        "intro": "どのスキンも同じボットの完全なチャットページです。プレビューはサンプルの会話で、"
        "ボットは呼び出しません。選んだらリンク、iframe、または 1 行の埋め込みスクリプトをコピーできます。",
        "light": "ライト",
        "dark": "ダーク",
        "preview": "{skin} のプレビュー（{theme}）",
        "copy_url": "リンクをコピー",
        "copy_iframe": "iframe をコピー",
        "copy_script": "埋め込みスクリプトをコピー",
        "open": "{skin} を開く",
        "copied": "クリップボードにコピーしました。",
        "copy_failed": "コピーできませんでした。テキストを選択して手動でコピーしてください。",
        "default": "/ の既定",
        "skins": "スキン",
        "framing_title": "これらのページを埋め込めるサイト",
        "framing_any": "すべてのウェブサイト（allowed_origins が空または *）。",
        "framing_self": "この Dify サイトのみ。",
        "framing_list": "この Dify サイトと次のサイト：",
        "framing_dropped": "無視された allowed_origins の項目（https://example.com の形で指定してください）：",
    },
    "ko": {
        "title": "채팅 스킨",
        "intro": "모든 스킨은 같은 봇의 완전한 채팅 페이지입니다. 미리보기는 예시 대화이며 봇을 호출하지 않습니다. "
        "마음에 드는 스킨의 링크, iframe 또는 한 줄 삽입 스크립트를 복사하세요.",
        "light": "라이트",
        "dark": "다크",
        "preview": "{skin} 미리보기 ({theme})",
        "copy_url": "링크 복사",
        "copy_iframe": "iframe 복사",
        "copy_script": "삽입 스크립트 복사",
        "open": "{skin} 열기",
        "copied": "클립보드에 복사했습니다.",
        "copy_failed": "복사하지 못했습니다. 텍스트를 선택해 직접 복사하세요.",
        "default": "/ 기본값",
        "skins": "스킨",
        "framing_title": "이 페이지를 삽입할 수 있는 사이트",
        "framing_any": "모든 웹사이트 (allowed_origins가 비어 있거나 *).",
        "framing_self": "이 Dify 사이트만.",
        "framing_list": "이 Dify 사이트와 다음 사이트:",
        "framing_dropped": "무시된 allowed_origins 항목 (각 항목은 https://example.com 형식이어야 합니다):",
    },
    "pt-BR": {
        "title": "Skins de chat",
        "intro": "Cada skin é uma página de chat completa para o mesmo bot. As prévias mostram uma conversa de "
        "exemplo e nunca chamam o bot. Escolha uma e copie o link, um iframe ou o script de incorporação.",
        "light": "Claro",
        "dark": "Escuro",
        "preview": "Prévia de {skin}, {theme}",
        "copy_url": "Copiar link",
        "copy_iframe": "Copiar iframe",
        "copy_script": "Copiar script",
        "open": "Abrir {skin}",
        "copied": "Copiado para a área de transferência.",
        "copy_failed": "Não foi possível copiar. Selecione o texto e copie manualmente.",
        "default": "Padrão em /",
        "skins": "Skins",
        "framing_title": "Quem pode incorporar estas páginas",
        "framing_any": "Qualquer site (allowed_origins vazio ou *).",
        "framing_self": "Somente este site do Dify.",
        "framing_list": "Este site do Dify e:",
        "framing_dropped": "Entradas ignoradas de allowed_origins (cada uma deve ser como https://example.com):",
    },
    "es": {
        "title": "Skins de chat",
        "intro": "Cada skin es una página de chat completa para el mismo bot. Las vistas previas muestran una "
        "conversación de ejemplo y nunca llaman al bot. Elige una y copia el enlace, un iframe o el script.",
        "light": "Claro",
        "dark": "Oscuro",
        "preview": "Vista previa de {skin}, {theme}",
        "copy_url": "Copiar enlace",
        "copy_iframe": "Copiar iframe",
        "copy_script": "Copiar script",
        "open": "Abrir {skin}",
        "copied": "Copiado al portapapeles.",
        "copy_failed": "No se pudo copiar. Selecciona el texto y cópialo a mano.",
        "default": "Predeterminada en /",
        "skins": "Skins",
        "framing_title": "Quién puede insertar estas páginas",
        "framing_any": "Cualquier sitio web (allowed_origins vacío o *).",
        "framing_self": "Solo este sitio de Dify.",
        "framing_list": "Este sitio de Dify y:",
        "framing_dropped": "Entradas de allowed_origins ignoradas (cada una debe tener la forma https://example.com):",
    },
}


def gallery_language(r: Request, settings: Settings) -> str:
    """The `language` setting, else `?lang=`, else the browser's best match, else English."""
    chosen = request_language(r, settings)
    if chosen:
        return chosen
    for tag, _quality in r.accept_languages:
        lang = normalize_language(tag)
        if lang:
            return lang
    return "en"


def security_headers(settings: Settings) -> list[tuple[str, str]]:
    """The chat pages' headers, with `frame-src 'self'` added so the previews (sibling pages) may load."""
    headers = []
    for name, value in page_headers(settings.allowed_origins):
        if name == "Content-Security-Policy":
            value = f"{value}; frame-src 'self'"
        headers.append((name, value))
    return headers


def gallery_context(r: Request, settings: Settings) -> dict[str, Any]:
    """Everything the template needs."""
    lang = gallery_language(r, settings)
    words = STRINGS.get(lang, STRINGS["en"])
    bot = settings.bot_name or "Assistant"
    skins = [
        {
            "name": s.name,
            "label": s.label,
            "description": s.description,
            "default": s.name == settings.skin,
            "previews": [
                {
                    "theme": theme,
                    "src": f"{s.name}?preview=1&theme={theme}",
                    "title": words["preview"].format(skin=s.label, theme=words[theme]),
                    "label": words[theme],
                }
                for theme in ("light", "dark")
            ],
        }
        for s in SKINS
    ]
    config = {"botName": bot, "copied": words["copied"], "copyFailed": words["copy_failed"]}
    return {
        "lang": lang,
        "t": words,
        "skins": skins,
        "config": config,
        "framing": framing(settings),
        "asset": lambda name: asset_url(f"gen/{name}"),
    }


def framing(settings: Settings) -> dict[str, Any]:
    """What `allowed_origins` was understood as, for the operator: any, only Dify, or a list; and what was ignored."""
    origins = settings.allowed_origins
    mode = "any" if origins is None else "list" if origins else "self"
    return {"mode": mode, "origins": list(origins or ()), "dropped": list(settings.origins_dropped)}


def render_gallery(r: Request, raw_settings: Mapping | None) -> Response:
    """The gallery page."""
    settings = parse_settings(raw_settings)
    html = _env.get_template("gallery.html").render(**gallery_context(r, settings))
    return Response(html, 200, headers=security_headers(settings), content_type="text/html; charset=utf-8")

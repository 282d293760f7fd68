"""The skin registry: the one list that endpoints, settings and tests all read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Skin:
    name: str
    label: str
    description: str
    # Light/dark color-scheme pair used by the browser before CSS loads.
    theme_color: tuple[str, str] = ("#ffffff", "#111318")
    # The label in the group file's `skin` option, per Dify locale other than en_US (which is `label`).
    labels: dict[str, str] = field(default_factory=dict)


SKINS: tuple[Skin, ...] = (
    Skin(
        "minimal",
        "Minimal",
        "Quiet and typographic, with lots of space.",
        ("#ffffff", "#333337"),
        {"zh_Hans": "极简", "ja_JP": "ミニマル", "pt_BR": "Minimalista"},
    ),
    Skin(
        "kawaii",
        "Kawaii",
        "Pastel and playful: round bubbles, a framed avatar, gentle motion.",
        ("#ffdcec", "#4f1062"),
        {"zh_Hans": "可爱", "ja_JP": "かわいい", "pt_BR": "Kawaii"},
    ),
    Skin(
        "seoul",
        "Seoul",
        "A Korean messenger: yellow and white bubbles with tails in a blue-grey chat room, read marks.",
        ("#a4bbd1", "#3d4653"),
        {"zh_Hans": "首尔", "ja_JP": "ソウル", "pt_BR": "Seul"},
    ),
    Skin(
        "western",
        "Western",
        "A phone messenger: blue outgoing bubbles with curled tails, white incoming ones on a dotted wallpaper.",
        ("#ffffff", "#0a2140"),
        {"zh_Hans": "欧美信使", "ja_JP": "ウエスタン", "pt_BR": "Ocidental"},
    ),
    Skin(
        "terminal",
        "Terminal",
        "Monospaced prompt lines on a console, no bubbles.",
        ("#e3e8ee", "#0c140d"),
        {"zh_Hans": "终端", "ja_JP": "ターミナル", "pt_BR": "Terminal"},
    ),
    Skin(
        "letter",
        "Letter",
        "A letter on paper: serif type, signed replies, no bubbles.",
        ("#efe6d4", "#1c120a"),
        {"zh_Hans": "信笺", "ja_JP": "手紙", "pt_BR": "Carta"},
    ),
    Skin(
        "glass",
        "Glass",
        "Frosted panels floating over a soft gradient.",
        ("#dfe7ff", "#0f1230"),
        {"zh_Hans": "玻璃", "ja_JP": "ガラス", "pt_BR": "Vidro"},
    ),
    Skin(
        "retro",
        "Retro",
        "A desktop window from the nineties, title bar and bevels included.",
        ("#008080", "#1a1a2e"),
        {"zh_Hans": "复古", "ja_JP": "レトロ", "pt_BR": "Retrô"},
    ),
    Skin(
        "helpdesk",
        "Help desk",
        "A support widget docked on a page, with an agent header and an online dot.",
        ("#0f766e", "#0b1513"),
        {"zh_Hans": "客服", "ja_JP": "ヘルプデスク", "pt_BR": "Suporte"},
    ),
    Skin(
        "novel",
        "Visual novel",
        "A character portrait over a painted scene, a dialogue box with a name plate, questions as choices.",
        ("#f7dcc8", "#151131"),
        {"zh_Hans": "视觉小说", "ja_JP": "ノベルゲーム", "pt_BR": "Romance visual"},
    ),
    Skin(
        "neon",
        "Neon",
        "Glowing tubes over a synthwave grid: dark first, with a daylight variant.",
        ("#f4f0ff", "#0a0614"),
        {"zh_Hans": "霓虹", "ja_JP": "ネオン", "pt_BR": "Neon"},
    ),
    Skin(
        "notebook",
        "Notebook",
        "Handwriting on ruled paper: ink, pencil, highlighter and a spiral binding.",
        ("#c9a56f", "#5a4030"),
        {"zh_Hans": "笔记本", "ja_JP": "ノート", "pt_BR": "Caderno"},
    ),
)

DEFAULT_SKIN = "minimal"
BY_NAME: dict[str, Skin] = {s.name: s for s in SKINS}


def get_skin(name: str | None) -> Skin:
    """The named skin, or the default one for an unknown name."""
    return BY_NAME.get(name or "", BY_NAME[DEFAULT_SKIN])


def skin_for_path(path: str) -> str | None:
    """Which skin a page path asks for; None for the root (use the setting)."""
    name = path.strip("/")
    return name if name in BY_NAME else None

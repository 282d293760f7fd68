"""GET /embed.js in-process: the built script, its size budget, defaults, gzip, ETag and headers."""

from __future__ import annotations

import ast
import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from chat_skins import embed
from chat_skins.language import prefixed
from chat_skins.settings import parse_settings

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "static" / "gen" / "embed.js"
BUDGET_GZIP = 5 * 1024


@pytest.fixture(scope="module", autouse=True)
def built_script():
    if not BUILT.is_file():
        pytest.fail("static/gen/embed.js is missing: run `node scripts/build.mjs` (make build)")
    return BUILT.read_bytes()


def request(headers: dict[str, str] | None = None) -> Request:
    return Request(EnvironBuilder(path="/embed.js", headers=headers or {}).get_environ())


def serve(settings: dict | None = None, **headers: str):
    return embed.serve_embed_script(request({k.replace("_", "-"): v for k, v in headers.items()}), settings or {})


def test_built_script_is_under_5_kb_gzip(built_script):
    size = len(gzip.compress(built_script, compresslevel=9))
    assert size < BUDGET_GZIP, f"embed.js is {size} bytes gzip, budget {BUDGET_GZIP}"
    # What a browser actually receives (the server's own compression, with defaults filled in).
    served = serve({"accent_color": "#123456", "bot_name": "Helper"}, Accept_Encoding="gzip")
    assert served.status_code == 200
    assert len(served.get_data()) < BUDGET_GZIP


def test_built_script_holds_the_defaults_placeholder_once(built_script):
    assert built_script.count(embed.PLACEHOLDER) == 1


def test_plain_response_headers_and_body(built_script):
    res = serve()
    assert res.status_code == 200
    assert res.headers["Content-Type"].startswith("application/javascript")
    assert res.headers["Cache-Control"] == "public, max-age=3600"
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["Vary"] == "Accept-Language, Accept-Encoding"
    assert "Content-Encoding" not in res.headers
    body = res.get_data()
    assert embed.PLACEHOLDER not in body
    defaults = json.dumps({"lang": "en", "strings": prefixed("en", "embed.")}, ensure_ascii=True, sort_keys=True)
    assert body == built_script.replace(embed.PLACEHOLDER, defaults.encode())
    assert int(res.headers["Content-Length"]) == len(body)


def test_gzip_only_when_accepted():
    plain = serve().get_data()
    zipped = serve(Accept_Encoding="br, gzip;q=0.8")
    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain
    refused = serve(Accept_Encoding="gzip;q=0, identity")
    assert refused.status_code == 200
    assert "Content-Encoding" not in refused.headers
    assert refused.get_data() == plain


def test_etag_revalidation_per_encoding():
    first = serve(Accept_Encoding="gzip")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('-gz"')
    again = serve(Accept_Encoding="gzip", If_None_Match=etag)
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=3600"
    # The gzip validator does not revalidate the identity representation, and vice versa.
    plain = serve(If_None_Match=etag)
    assert plain.status_code == 200
    assert serve(If_None_Match=plain.headers["ETag"]).status_code == 304
    assert serve(If_None_Match='"something-else"').status_code == 200


def test_settings_change_the_etag_and_the_defaults():
    base = serve()
    themed = serve({"accent_color": "#AA3300", "bot_name": "Shop helper"})
    assert themed.status_code == 200
    assert themed.headers["ETag"] != base.headers["ETag"]
    body = themed.get_data().decode()
    assert '"color": "#aa3300"' in body and '"name": "Shop helper"' in body
    # A bad color setting is dropped by the settings parser, never reaching the script.
    assert serve({"accent_color": "red;}"}).get_data() == base.get_data()


def test_defaults_from_settings():
    english = {"lang": "en", "strings": prefixed("en", "embed.")}
    assert embed.script_defaults(parse_settings({})) == english
    assert set(english["strings"]) == {"openChat", "chatWith", "title", "dismiss", "loadFailed"}
    assert embed.script_defaults(parse_settings({"accent_color": "#fff", "bot_name": "Ana"})) == {
        "color": "#fff",
        "name": "Ana",
        **english,
    }


@pytest.mark.parametrize(
    ("settings", "accept", "lang", "vary"),
    [
        ({}, "zh-TW,zh;q=0.9", "zh-Hant", "Accept-Language, Accept-Encoding"),
        ({}, "pt-PT", "pt-PT", "Accept-Language, Accept-Encoding"),
        ({"language": "de"}, "pt-PT", "de", "Accept-Encoding"),
    ],
)
def test_strings_follow_the_language_setting_then_the_browser(settings, accept, lang, vary):
    res = serve(settings, Accept_Language=accept)
    assert res.status_code == 200
    assert res.headers["Vary"] == vary
    strings = json.dumps(prefixed(lang, "embed."), ensure_ascii=True, sort_keys=True)
    assert strings in res.get_data(as_text=True)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is required by the build")
def test_hostile_bot_name_keeps_the_script_valid(tmp_path):
    hostile = "</script><script>alert(1)</script>\u2028\u2029\"'`${x}\\"
    res = serve({"bot_name": hostile})
    assert res.status_code == 200
    out = tmp_path / "embed.js"
    out.write_bytes(res.get_data())
    check = subprocess.run(["node", "--check", str(out)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    assert res.get_data().isascii()


def test_missing_build_is_a_clean_404(monkeypatch, tmp_path):
    monkeypatch.setattr(embed, "SCRIPT", tmp_path / "absent.js")
    monkeypatch.setattr(embed, "_built", None)
    res = serve()
    assert res.status_code == 404
    assert res.headers["Content-Type"] == "application/json"
    assert json.loads(res.get_data())["code"] == "not_found"


def test_endpoint_declaration_is_visible_and_listed():
    spec = yaml.safe_load((ROOT / "endpoints" / "embed.yaml").read_text())
    assert spec["path"] == "/embed.js"
    assert spec["method"] == "GET"
    assert spec["hidden"] is False
    assert spec["extra"]["python"]["source"] == "endpoints/embed.py"
    group = yaml.safe_load((ROOT / "group" / "chat-skins.yaml").read_text())
    assert group["endpoints"].count("endpoints/embed.yaml") == 1


def test_endpoint_source_defines_exactly_one_endpoint():
    tree = ast.parse((ROOT / "endpoints" / "embed.py").read_text())
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert [c.name for c in classes] == ["EmbedScriptEndpoint"]
    assert [b.id for b in classes[0].bases if isinstance(b, ast.Name)] == ["Endpoint"]

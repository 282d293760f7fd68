"""Issue 10, client side: the message_file URL filter, the image_hosts setting and its way to the page (pure)."""

from __future__ import annotations

import pytest

from chat_skins.events import Visibility, file_url, reduce_event
from chat_skins.page_config import build_config
from chat_skins.settings import parse_settings
from chat_skins.skins import get_skin

GOOD_FILE_URLS = [
    "https://files.example.com/x.png",
    "/files/abc/file-preview?timestamp=1&nonce=n&sign=s",
    "/files/tools/abc.png?timestamp=1&nonce=n&sign=s",
]
BAD_FILE_URLS = [
    "http://files.example.com/x.png",
    "//evil.example/x.png",
    "/\\evil.example/x.png",
    "\\\\evil.example\\x.png",
    "/files\\..\\console/api/logout",
    "https://evil.example\\@files.example/x.png",
    "/console/api/logout",
    "/files/../console/api/logout",
    "/files/%2e%2e/console/api/logout",
    "/files/x%2f..%2fconsole",
    "javascript:alert(1)",
    "data:image/png;base64,AAAA",
    "https://",
    "https://files.example.com/x y.png",
    "https://files.example.com/\x00.png",
    "files/x.png",
    "",
    None,
    42,
    "https://files.example.com/" + "a" * 5000,
]


@pytest.mark.parametrize("url", GOOD_FILE_URLS)
def test_message_file_keeps_https_and_own_files(url):
    assert file_url(url) == url
    (out,) = reduce_event({"event": "message_file", "type": "image", "url": url}, Visibility())
    assert out["url"] == url


@pytest.mark.parametrize("url", BAD_FILE_URLS)
def test_message_file_drops_http_protocol_relative_backslash_and_other_paths(url):
    assert file_url(url) is None
    (out,) = reduce_event({"event": "message_file", "type": "image", "url": url}, Visibility())
    assert "url" not in out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ()),
        ("", ()),
        ("   ", ()),
        ("*", ("*",)),
        ("cdn.example.com *", ("*",)),
        ("cdn.example.com, IMG.Example.com  cdn.example.com", ("cdn.example.com", "img.example.com")),
        ("*.example.com", ("*.example.com",)),
        ("https://cdn.example.com/path/x.png", ("cdn.example.com",)),
        ("http://cdn.example.com", ()),
        ("cdn.example.com:8443 bad_host -x.example x..y", ()),
        ("<script>", ()),
        (["cdn.example.com"], ()),
    ],
)
def test_image_hosts_setting(raw, expected):
    assert parse_settings({"image_hosts": raw}).image_hosts == expected


def test_image_hosts_reach_the_page_config():
    settings = parse_settings({"app": "demo-chat", "image_hosts": "cdn.example.com *.img.example"})
    config = build_config(settings, get_skin(settings.skin), None)
    assert config["imageHosts"] == ["cdn.example.com", "*.img.example"]
    default = parse_settings({"app": "demo-chat"})
    assert build_config(default, get_skin(default.skin), None)["imageHosts"] == []

"""The host's HTTP side through the real SDK runtime, with the probe plugin: streaming, headers, errors, body cap."""

from __future__ import annotations

import hashlib
import json

from tests.support.hooks import PROBE_HOOK
from tests.support.host_client import request


def test_chunks_arrive_one_by_one_as_the_plugin_yields_them(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, "/slow?n=4&delay=0.3"))
    assert reply.status == 200
    assert reply.body.count(b"chunk-") == 4
    # Each chunk is flushed on its own: four reads spread over ~0.9 s, not one read at the end.
    assert len(reply.chunks) == 4
    times = [t for t, _ in reply.chunks]
    assert times[-1] - times[0] >= 0.75
    assert "Content-Length" not in reply.headers
    assert reply.headers["Transfer-Encoding"] == "chunked"


def test_first_chunk_is_not_held_back_by_a_delayed_second_one(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, "/slow?n=2&delay=1.5"))
    assert reply.status == 200
    first_at, first = reply.chunks[0]
    assert first.startswith(b"chunk-0")
    assert first_at < 1.0
    assert reply.chunks[-1][0] - first_at >= 1.3


def test_headers_are_sent_only_with_the_first_body_chunk(probe_host):
    # The plugin sends status and headers at once, then waits 1 s before the first chunk:
    # the browser must not see the headers before that chunk.
    reply = request(probe_host.url(PROBE_HOOK, "/slow?n=1&first=1.0"))
    assert reply.status == 200
    assert reply.chunks[0][0] >= 0.9


def test_prefix_is_stripped_and_hook_headers_are_added(probe_host):
    reply = request(
        probe_host.url(PROBE_HOOK, "/echo?zeta=1&alpha=x%20y&alpha=2"),
        headers={"Dify-Hook-Url": "https://evil.example/", "Dify-Hook-Id": "forged0000000000"},
    )
    assert reply.status == 200
    seen = reply.json()
    assert seen["path"] == "/echo"
    # Keys sorted, repeated keys kept in order, re-encoded.
    assert seen["query_string"] == "alpha=x+y&alpha=2&zeta=1"
    headers = dict(seen["headers"])
    assert headers["Dify-Hook-Id"] == PROBE_HOOK
    # As Dify's nginx builds it: scheme, $host (no port) and the original request URI, query untouched.
    assert headers["Dify-Hook-Url"] == f"http://127.0.0.1/e/{PROBE_HOOK}/echo?zeta=1&alpha=x%20y&alpha=2"
    assert headers["Host"] == "127.0.0.1"
    assert [k for k, _ in seen["headers"]].count("Dify-Hook-Url") == 1


def test_patch_is_a_404_like_the_daemons_router(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, "/echo"), method="PATCH", body=b"{}")
    assert reply.status == 404
    assert reply.body == b"404 page not found"


def test_hook_root_without_slash_maps_to_root_path(probe_host):
    # The probe has no "/" route, so werkzeug's 404 proves the request reached the plugin as "/".
    reply = request(probe_host.base_url + f"/e/{PROBE_HOOK}")
    assert reply.status == 404
    assert b"Not Found" in reply.body


def test_client_ip_headers_are_removed(probe_host):
    sent = {
        "X-Forwarded-For": "203.0.113.7",
        "X-Real-IP": "203.0.113.7",
        "X-Forwarded": "for=203.0.113.7",
        "X-Original-Forwarded-For": "203.0.113.7",
        "X-Original-Url": "/x",
        "X-Original-Host": "evil.example",
        "X-Original-Method": "GET",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Port": "443",
        "Accept-Language": "ja-JP",
        "Cookie": "a=1",
    }
    reply = request(probe_host.url(PROBE_HOOK, "/echo"), headers=sent)
    assert reply.status == 200
    names = {k.lower(): v for k, v in reply.json()["headers"]}
    dropped = ("x-forwarded-for", "x-real-ip", "x-forwarded", "x-original-forwarded-for", "x-original-url")
    for name in (*dropped, "x-original-host"):
        assert name not in names
    # Only those six: the daemon passes every other header on.
    assert names["x-original-method"] == "GET"
    assert names["x-forwarded-port"] == "443"
    assert names["x-forwarded-proto"] == "https"
    assert names["accept-language"] == "ja-JP"
    assert names["cookie"] == "a=1"
    assert "203.0.113.7" not in json.dumps(reply.json())


def test_only_one_value_per_response_header(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, "/headers"))
    assert reply.status == 201
    assert len(reply.headers.get_all("Set-Cookie")) == 1
    assert len(reply.headers.get_all("X-Probe")) == 1
    assert reply.headers["Content-Length"] == str(len(reply.body))


def test_body_over_10_mib_is_truncated_silently(probe_host):
    cap = 10 * 1024 * 1024
    body = bytes(range(256)) * (cap // 256) + b"overflow" * 100
    reply = request(probe_host.url(PROBE_HOOK, "/echo"), method="POST", body=body, timeout=60)
    assert reply.status == 200
    seen = reply.json()
    assert seen["method"] == "POST"
    assert seen["body_length"] == cap
    assert seen["body_sha256"] == hashlib.sha256(body[:cap]).hexdigest()


def test_small_body_passes_intact(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, "/echo"), method="POST", body=b'{"hello": "world"}')
    assert reply.status == 200
    assert reply.json()["body_length"] == 18
    assert dict(reply.json()["headers"])["Content-Length"] == "18"


def test_exception_before_responding_is_a_500_without_traceback(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, "/boom"))
    assert reply.status == 500
    assert b"Traceback" not in reply.body
    assert b"probe exploded" in reply.body  # the SDK's own "Internal Server Error: <text>"


def test_generator_failing_before_first_chunk_gives_json_500_and_is_recorded(probe_host):
    before = len(probe_host.plugin_errors)
    reply = request(probe_host.url(PROBE_HOOK, "/boom-mid?first=0"))
    assert reply.status == 500
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json() == {"code": "plugin_error", "message": "The plugin failed.", "status": 500}
    errors = probe_host.plugin_errors[before:]
    assert errors and errors[0]["message"] == "probe exploded mid-stream"
    assert "Traceback" in errors[0]["traceback"]


def test_generator_failing_mid_stream_appends_the_daemons_error_text(probe_host):
    before = len(probe_host.plugin_errors)
    reply = request(probe_host.url(PROBE_HOOK, "/boom-mid"))
    assert reply.status == 200
    # Like the daemon: the error, traceback included, lands in the body a browser reads.
    assert reply.body.startswith(b"partial answer\n")
    tail = json.loads(reply.body[len(b"partial answer\n") :])
    assert tail["error_type"] == "RuntimeError"
    assert "Traceback" in tail["args"]["traceback"]
    assert [e["error_type"] for e in probe_host.plugin_errors[before:]] == ["RuntimeError"]


def test_unknown_hook_is_a_json_404(probe_host):
    reply = request(probe_host.base_url + "/e/nosuchhook000000/echo")
    assert reply.status == 404
    assert reply.json()["code"] == "endpoint_not_found"
    assert request(probe_host.base_url + "/elsewhere").status == 404


def test_index_lists_endpoint_pages(probe_host):
    reply = request(probe_host.base_url + "/")
    assert reply.status == 200
    text = reply.body.decode()
    assert f"/e/{PROBE_HOOK}/slow" in text
    assert f"/e/{PROBE_HOOK}/static-file" in text
    assert f"/e/{PROBE_HOOK}/passthrough" not in text  # hidden endpoint


def test_page_urls_are_the_non_hidden_paths(probe_host):
    urls = probe_host.page_urls(PROBE_HOOK)
    assert urls[0] == f"{probe_host.base_url}/e/{PROBE_HOOK}/slow"
    assert not any(u.endswith(("/storage", "/passthrough", "/fetch")) for u in urls)


def test_static_file_baseline(probe_host):
    reply = request(probe_host.url(PROBE_HOOK, "/static-file"))
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/css; charset=utf-8"
    assert reply.body.startswith(b".probe-0 {")
    assert int(reply.headers["Content-Length"]) == len(reply.body)

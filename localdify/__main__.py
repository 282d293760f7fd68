"""`python -m localdify --config config/endpoints.yaml --port 5002`: serve the plugin like Dify does."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from localdify.config import ConfigError
from localdify.host import REPO_ROOT, Host
from localdify.plugin_process import PluginNotReady


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdify", description=__doc__)
    parser.add_argument("--config", default="config/endpoints.yaml", help="YAML with apps and endpoint instances")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5002")), help="default $PORT or 5002")
    parser.add_argument("--plugin-dir", default=str(REPO_ROOT), help="the plugin's root (default: this repository)")
    parser.add_argument(
        "--storage",
        default=None,
        help="SQLite file for plugin storage (default: the config's storage.path, else var/localdify.sqlite3)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="also log every HTTP request")
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S"
    )
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    plugin_dir = Path(args.plugin_dir).resolve()
    config_path = Path(args.config)
    if not config_path.exists() and (plugin_dir / "config" / "endpoints.example.yaml").exists():
        print(f"{config_path} not found; using config/endpoints.example.yaml", file=sys.stderr)
        config_path = plugin_dir / "config" / "endpoints.example.yaml"
    try:
        host = Host(
            config_path,
            plugin_dir=plugin_dir,
            host=args.host,
            port=args.port,
            storage_path=args.storage,
            default_storage_path=plugin_dir / "var" / "localdify.sqlite3",
        )
    except (ConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        host.start()
    except (PluginNotReady, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        host.stop()
        return 1
    try:
        print(f"\nLocal Dify host on {host.base_url}  (index: {host.base_url}/)")
        for ep in host.config.endpoints:
            app = (ep.settings.get("app") or {}).get("app_id")
            options = host.config.apps.get(app, {})
            print(f"\n  {ep.name}  [hook {ep.hook_id}, app {options.get('name')} = {app} ({options.get('backend')})]")
            for url in host.page_urls(ep.hook_id):
                print(f"    {url}")
        print("\nPress Ctrl-C to stop.\n", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping...", file=sys.stderr)
        host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

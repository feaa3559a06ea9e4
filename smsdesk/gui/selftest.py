"""``smsdesk --self-test``: is this installation whole? Works from a checkout and frozen.

Each check prints one line. The window, the send and the database are tried in a temporary data
folder, so the owner's own history is only read (integrity) and never changed.
"""

from __future__ import annotations

import os
import sqlite3
import ssl
import sys
import tempfile
import time
from collections.abc import Callable

from smsdesk import __version__, paths

Check = Callable[[], str]


def _check_database() -> str:
    path = paths.database_path()
    if not path.exists():
        return "no history yet"
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    from smsdesk.storage.db import SCHEMA_VERSION

    if result != "ok":
        raise RuntimeError(f"{path}: {result}")
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"{path} was written by a newer smsdesk (schema {version} > {SCHEMA_VERSION})")
    return f"{path} (schema {version}) ok"


def _check_keyring() -> str:
    import keyring

    backend = keyring.get_keyring()
    name = type(backend).__module__ + "." + type(backend).__name__
    expected = {"linux": "keyring.backends.SecretService", "win32": "keyring.backends.Windows",
                "darwin": "keyring.backends.macOS"}.get(sys.platform)
    if expected:
        __import__(expected)  # the platform's backend must be bundled, whether or not a daemon runs
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")) or (name.endswith("chainer.ChainerBackend") and not list(
        getattr(backend, "backends", [])
    )):
        return f"backend module present; no password store running here ({name})"
    return name


def _check_tls() -> str:
    import certifi
    import httpx

    bundle = certifi.where()
    context = ssl.create_default_context(cafile=bundle)
    count = len(context.get_ca_certs())
    if count == 0:
        raise RuntimeError(f"no CA certificates loaded from {bundle}")
    httpx.Client().close()  # builds httpx's own SSL context from the same bundle
    return f"{count} CA certificates"


def _check_translations() -> str:
    from PySide6.QtCore import QCoreApplication, QTranslator

    from smsdesk.gui.app import create_application

    create_application()
    translator = QTranslator()
    qm = paths.translations_dir() / "smsdesk_zh_CN.qm"
    if not translator.load(str(qm)):
        raise RuntimeError(f"cannot load {qm}")
    QCoreApplication.installTranslator(translator)
    try:
        text = QCoreApplication.translate("MainWindow", "Templates")
    finally:
        QCoreApplication.removeTranslator(translator)
    if text == "Templates":
        raise RuntimeError("the Chinese translation does not translate the window")
    return f"zh_CN ({text})"


def _check_window_and_send() -> str:
    from PySide6.QtCore import QEvent, QThreadPool
    from PySide6.QtWidgets import QApplication

    from smsdesk.engine.campaigns import (
        create_campaign,
        plan_for_numbers,
        send_campaign,
        wait_for_reports,
    )
    from smsdesk.engine.first_run import ensure_first_run
    from smsdesk.engine.providers import open_provider
    from smsdesk.gui.app import create_application
    from smsdesk.gui.main_window import MainWindow
    from smsdesk.storage import Store

    create_application()
    with Store.open() as store:
        ensure_first_run(store)
        window = MainWindow(store)
        window.show()
        for _ in range(5):
            QApplication.processEvents()
        if window.grab().isNull():
            raise RuntimeError("the main window did not paint")
        window.close()
        # Gone for good, with its timers, before anything else runs in this data folder.
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QThreadPool.globalInstance().waitForDone(10000)
        account = store.accounts.get("Sandbox")
        plan = plan_for_numbers(store, account, "smsdesk self-test", ["+8613800138000"])
        campaign = create_campaign(store, plan, "self-test")
        provider = open_provider(account)
        try:
            send_campaign(store, provider, account, campaign)
            wait_for_reports(store, provider, account, timeout=15)
        finally:
            provider.close()
        states = store.journal.campaign_counts(campaign)
    if states != {"delivered": 1}:
        raise RuntimeError(f"the Sandbox message ended as {states}")
    return "window painted; Sandbox message delivered"


def run(out: Callable[[str], None] = print) -> int:
    out(f"smsdesk {__version__} self-test ({'frozen' if getattr(sys, 'frozen', False) else 'from source'})")
    checks: list[tuple[str, Check]] = [("database", _check_database), ("keyring", _check_keyring),
                                       ("certificates", _check_tls)]
    failures = 0
    for name, check in checks:
        failures += _run_one(name, check, out)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="smsdesk-selftest-") as home:
        saved = os.environ.get(paths.ENV_HOME)
        os.environ[paths.ENV_HOME] = home
        try:
            failures += _run_one("translations", _check_translations, out)
            failures += _run_one("window and send", _check_window_and_send, out)
        finally:
            if saved is None:
                os.environ.pop(paths.ENV_HOME, None)
            else:
                os.environ[paths.ENV_HOME] = saved
    out("self-test passed" if failures == 0 else f"self-test FAILED: {failures} problem(s)")
    return 0 if failures == 0 else 1


def _run_one(name: str, check: Check, out: Callable[[str], None]) -> int:
    start = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # every failure is reported, none stops the others
        out(f"FAIL {name}: {type(exc).__name__}: {exc}")
        return 1
    out(f"ok   {name}: {detail} ({(time.perf_counter() - start) * 1000:.0f} ms)")
    return 0


def main() -> int:
    return run()


if __name__ == "__main__":
    sys.exit(main())

"""A class on this machine: the sandbox, LiteLLM's proxy gated by the class list, JupyterHub.

    python classroom/run.py                 # `make classroom`: serve until Ctrl-C
    python classroom/run.py --check         # start, log two students in, stop (the test)

The class lives in `build/classroom/` (CLASSROOM_STATE to choose): its list
(`roster.json`, made on the first run with two demo students, alice and bob, each with a
$0.05 budget and 30 requests a minute), the proxy's spend ledger, the hub's database and
the students' home folders. The shared password is made up on the first run and kept in
`password.txt` there; the proxy's master key (the teacher's) is made up for each run and
never shown: the teacher changes the class list (`roster.py`, or `teacher.ipynb`), and the
gate reads it again at once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tools")]

from hub import jupyterhub  # noqa: E402
from litellm_proxy import litellm_proxy  # noqa: E402
from roster import Roster  # noqa: E402

DEMO = {"alice": 0.05, "bob": 0.05}
CHP = ROOT / "build" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"


def prepare(state: Path) -> tuple[Roster, str]:
    """The class's folder, its list (demo students on the first run) and its password."""
    state.mkdir(parents=True, exist_ok=True)
    roster = Roster(state / "roster.json")
    if not roster.students():
        for name, budget in DEMO.items():
            roster.issue(name, budget_usd=budget, rpm=30)
    password_file = state / "password.txt"
    if not password_file.exists():
        password_file.write_text(secrets.token_urlsafe(9))
        password_file.chmod(0o600)
    return roster, password_file.read_text().strip()


def log_in(url: str, name: str, password: str) -> bool:
    """Whether `name` gets in with `password` through the hub's own login form."""
    import httpx

    with httpx.Client(base_url=url, follow_redirects=False, timeout=30) as browser:
        form = browser.get("/hub/login")
        xsrf = browser.cookies.get("_xsrf", "")
        answer = browser.post(
            "/hub/login",
            data={"username": name, "password": password, "_xsrf": xsrf},
            headers={"Referer": str(form.url)},
        )
        return answer.status_code == 302 and "login" not in answer.headers.get("location", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="start, log in, stop")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLASSROOM_HUB_PORT", 8000)))
    parser.add_argument("--proxy-port", type=int, default=4000)
    options = parser.parse_args(argv)
    if not CHP.exists():
        print("configurable-http-proxy is missing: `make chp` installs it (npm)", file=sys.stderr)
        return 1
    from llmwidgets.sandbox import ensure_running

    state = Path(os.environ.get("CLASSROOM_STATE", ROOT / "build" / "classroom")).resolve()
    roster, password = prepare(state)
    sandbox = ensure_running()
    port, proxy_port = (0, 0) if options.check else (options.port, options.proxy_port)
    with (
        litellm_proxy(sandbox, port=proxy_port, classroom=state) as proxy,
        jupyterhub(
            state,
            {
                "CLASSROOM_PROXY_URL": proxy.url,
                "CLASSROOM_PASSWORD": password,
                "CLASSROOM_CHP": str(CHP),
            },
            port=port,
        ) as hub,
    ):
        names = sorted(name for name, s in roster.students().items() if not s.revoked)
        print(f"\nThe class is open at {hub.url}", flush=True)
        print(f"  students: {', '.join(names)}; the class password: {password}")
        print(f"  LiteLLM's proxy: {proxy.url} (each student's own key, in their server)")
        print(f"  the class list, spend ledger and homes: {state}")
        print("  the teacher's notebook: classroom/teacher.ipynb\n", flush=True)
        if options.check:
            logged = {name: log_in(hub.url, name, password) for name in names[:2]}
            wrong = log_in(hub.url, names[0], password + "-wrong")
            stranger = log_in(hub.url, "mallory", password)
            print(f"logins: {logged}; a wrong password gets in: {wrong}; "
                  f"a name not on the list: {stranger}")  # fmt: skip
            return 0 if all(logged.values()) and not (wrong or stranger) else 1
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""JupyterHub for a class on one machine: a try-out (`make classroom`) and the end-to-end
test. Zero to JupyterHub on Kubernetes is the production twin: `values.yaml`.

Each student logs in with the class password and gets their own JupyterLab server, whose
environment holds the LiteLLM proxy's address and that student's own key from the class
list (`roster.py`), so `llmwidgets.connect("litellm")` works with no key typed into a
notebook; their home holds the curriculum and the exercises, set to the proxy. A revoked
student gets no server. Everything comes from the environment (`classroom/run.py` sets it):

| variable                  | what                                              |
|---------------------------|---------------------------------------------------|
| `CLASSROOM_STATE`         | the class's folder: roster, homes, the hub's database |
| `CLASSROOM_PROXY_URL`     | LiteLLM's base URL, ending in /v1                 |
| `CLASSROOM_PASSWORD`      | the shared password (at least 8 characters)       |
| `CLASSROOM_HUB_PORT`      | where students connect (default 8000)             |
| `CLASSROOM_CHP`           | configurable-http-proxy (npm's, in build/chp)      |
| `CLASSROOM_SERVICE_TOKEN` | optional: a token for scripts to start servers, run kernels |

The spawner is JupyterHub's `simple` one: every server runs as the hub's own Unix user, in
its own home folder. Fine for a try-out and a test; students can read each other's files
and environment, so a real class uses KubeSpawner (one pod each): see README.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from homes import furnish
from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from roster import Roster

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (JupyterHub defines it)

STATE = Path(os.environ["CLASSROOM_STATE"])
ROSTER = Roster(STATE / "roster.json")
BIN = Path(sys.executable).parent  # jupyterhub-singleuser, from the same environment

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("CLASSROOM_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("CLASSROOM_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{int(os.environ.get('CLASSROOM_CHP_API_PORT', '8001'))}"
)
c.ConfigurableHTTPProxy.command = [os.environ.get("CLASSROOM_CHP", "configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")


class ClassList(SharedPasswordAuthenticator):
    """The class password, for whoever is on the class list now: a student the teacher
    adds can log in at once, one revoked cannot (the list is read at each login)."""

    def check_allowed(self, username: str, authentication: object = None) -> bool:
        student = ROSTER.students().get(username)
        return student is not None and not student.revoked


c.JupyterHub.authenticator_class = ClassList
c.SharedPasswordAuthenticator.user_password = os.environ["CLASSROOM_PASSWORD"]
c.Authenticator.allowed_users = set(ROSTER.students())  # the hub knows them from the start

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
if os.getuid() == 0:  # containers and CI run as root; JupyterLab refuses it unless told
    c.Spawner.args = ["--allow-root"]


def give_key(spawner) -> None:  # type: ignore[no-untyped-def]
    """The student's own key and the proxy's address, in their server's environment; on
    their first login, the course in their home, set to the proxy (homes.py)."""
    from tornado.web import HTTPError

    student = ROSTER.students().get(spawner.user.name)
    if student is None or student.revoked:
        message = f"{spawner.user.name} has no key on the class list: ask your teacher"
        raise HTTPError(403, message, reason=message)
    spawner.environment["LITELLM_API_KEY"] = student.key
    spawner.environment["LITELLM_PROXY_API_BASE"] = os.environ["CLASSROOM_PROXY_URL"]
    furnish(Path(spawner.home_dir_template.format(username=spawner.user.name)))


c.Spawner.pre_spawn_hook = give_key

token = os.environ.get("CLASSROOM_SERVICE_TOKEN")
if token:  # scripts that start servers and run notebooks in them (the end-to-end test)
    c.JupyterHub.services = [{"name": "classroom-driver", "api_token": token}]
    c.JupyterHub.load_roles = [
        {
            "name": "classroom-driver",
            "scopes": [
                "admin:users",
                "admin:servers",
                "access:servers",
                "list:users",
                "read:users",
            ],
            "services": ["classroom-driver"],
        }
    ]

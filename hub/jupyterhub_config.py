"""The class server: JupyterHub serving the course to every student's browser.

Started by `make hub` (which installs everything into HUB_HOME first). Every setting below comes
from an environment variable with a default for one classroom machine:

  HUB_HOME            where make hub installed the venv, proxy and course (required)
  HUB_STATE           the hub's database, secrets, class list (default HUB_HOME/state)
  HUB_IP, HUB_PORT    where students connect (default 127.0.0.1:8000: this machine only)
  HUB_SSL_CERT/KEY    TLS certificate and key; required when HUB_IP is not a loopback address
  HUB_ADMIN           the teacher's account name (default "teacher")
  HUB_MEM_LIMIT       memory per student (default 1G) and HUB_CPU_LIMIT cores per student
                      (default 1.0), enforced by a cgroup per student when the hub runs as root
  HUB_CULL_IDLE       seconds before an idle student server is stopped (default 1800)
  HUB_POOL_IDLE_MS    idle ms before a kernel's worker pools stop (default 15000)
  COURSE_SERVER_PORT  the class's one course server (HTTP/1.1; HTTP/2 on the next port; 8765)
  HUB_CLASS_PASSWORD  the class password, for a hub run by a normal user (required there)
  HUB_ADMIN_TOKEN     optional: an API token with admin rights for scripts (the class test)
  HUB_API_PORT, HUB_PROXY_API_PORT   internal ports (default 8081, 8001)
"""
import ipaddress
import os
import tempfile
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from classroom import CourseSpawner, SharedAccountSpawner, parse_bytes  # noqa: E402

c = get_config()  # noqa: F821  (JupyterHub provides it)
env = os.environ.get
home = Path(env("HUB_HOME") or sys.exit("HUB_HOME is not set: start the hub with make hub"))
state = Path(env("HUB_STATE") or home / "state")
state.mkdir(parents=True, exist_ok=True, mode=0o700)
venv, course = home / "venv", home / "course"
as_root = os.geteuid() == 0

# Where students connect. Loopback unless the teacher binds on purpose, and then only with TLS.
ip, port = env("HUB_IP", "127.0.0.1"), int(env("HUB_PORT", "8000"))
cert, key = env("HUB_SSL_CERT", ""), env("HUB_SSL_KEY", "")
loopback = ip in ("localhost",) or ipaddress.ip_address(ip).is_loopback
if not loopback and not (cert and key):
    sys.exit(f"HUB_IP={ip} opens the hub to the network: set HUB_SSL_CERT and HUB_SSL_KEY too (passwords travel over it)")
c.JupyterHub.bind_url = f"{'https' if cert else 'http'}://{ip}:{port}/"
if cert:
    c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = cert, key
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{env('HUB_API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [str(home / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")

# Accounts: the teacher is the admin; students come from the class list (make hub-users).
admin = env("HUB_ADMIN", "teacher")
c.Authenticator.admin_users = {admin}
class_list = state / "students.txt"
students = {n.strip() for n in class_list.read_text().split()} if class_list.exists() else set()
c.Authenticator.allowed_users = students | {admin}
c.Authenticator.allow_existing_users = True  # accounts an admin adds in the hub's page or API
if as_root:
    # One system user per student, created by the hub (or make hub-users) with a private home.
    c.JupyterHub.authenticator_class = "pam"
    c.LocalAuthenticator.create_system_users = True
    c.LocalAuthenticator.add_user_cmd = ["useradd", "--create-home", "--shell", "/bin/bash", "-K", "HOME_MODE=0700"]
    c.JupyterHub.spawner_class = CourseSpawner
else:
    # A normal user cannot switch users: every server runs as that user, one folder each.
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = env("HUB_CLASS_PASSWORD") or sys.exit(
        "A hub run by a normal user logs students in with one class password: set HUB_CLASS_PASSWORD (8+ characters)")
    c.JupyterHub.spawner_class = SharedAccountSpawner
    c.SharedAccountSpawner.home_dir_template = str(state / "homes" / "{username}")

# Each student's server: the course's JupyterLab from the hub's venv, TypeScript by default.
for spawner in ("CourseSpawner", "SharedAccountSpawner"):
    c[spawner].course_dir = str(course)
    c[spawner].mem_limit_bytes = parse_bytes(env("HUB_MEM_LIMIT", "1G"))
    c[spawner].cpu_limit_cores = float(env("HUB_CPU_LIMIT", "1.0"))
course_port = int(env("COURSE_SERVER_PORT", "8765"))
c.Spawner.cmd = [str(venv / "bin" / "jupyterhub-singleuser")]
c.Spawner.args = ["--MultiKernelManager.default_kernel_name=tslab"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    "CONCURRENCY_LAB_SERVER_URL": f"http://127.0.0.1:{course_port}",
    "CONCURRENCY_LAB_POOL_IDLE_MS": env("HUB_POOL_IDLE_MS", "15000"),
    "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90

# Services: idle servers culled; the class's one course server (as nobody when root).
node = env("NODE", "") or "node"
course_cmd = [node, str(course / "dist" / "server" / "main.js")]
# Its log lives outside HUB_STATE (private to the hub's account), where nobody can write it.
course_log = Path(tempfile.gettempdir()) / f"concurrency-lab-course-{course_port}"
course_log.mkdir(exist_ok=True)
if as_root:
    os.chown(course_log, 65534, 65534)
    course_cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *course_cmd]
c.JupyterHub.services = [
    {"name": "idle-culler",
     "command": [str(venv / "bin" / "python"), "-m", "jupyterhub_idle_culler", f"--timeout={env('HUB_CULL_IDLE', '1800')}"]},
    {"name": "course-server", "command": course_cmd,
     "environment": {"HOST": "127.0.0.1", "PORT": str(course_port), "H2_PORT": str(course_port + 1),
                     "LOG_FILE": str(course_log / "requests.log")}},
]
c.JupyterHub.load_roles = [
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]
token = env("HUB_ADMIN_TOKEN", "")
if token:
    c.JupyterHub.services.append({"name": "class-admin", "api_token": token})
    c.JupyterHub.load_roles.append({"name": "class-admin", "services": ["class-admin"],
                                    "scopes": ["admin:users", "admin:servers", "access:servers", "tokens", "list:users", "read:users"]})
c.JupyterHub.cleanup_servers = True

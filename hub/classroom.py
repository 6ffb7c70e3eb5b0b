"""The class server's pieces that are not JupyterHub settings: each student's copy of the course,
per-student memory/CPU limits (cgroups), and the spawners that use them. jupyterhub_config.py
loads this module; the class test (classtest.py) and its unit checks use it too.
"""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import time
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner
from traitlets import Float, Integer, Unicode

COURSE_FOLDER = "concurrency-lab"


def provision(home: Path, course: Path, uid: int | None = None, gid: int | None = None) -> list[str]:
    """Give a student their own copy of the course under `home`, adding only what is missing.

    Copies every notebook of `course/notebooks` that `home/concurrency-lab/notebooks` lacks (a
    notebook the student has, edited or not, is never touched; one the teacher adds later arrives
    on the next login) and links `node_modules` to the course's, read-only, so `import … from
    "concurrency-lab"` works in the student's kernels. `uid`/`gid`: the owner of what it creates
    (a hub running as root); the home becomes private (0700). Returns the notebooks copied.
    """
    folder = home / COURSE_FOLDER
    notebooks = folder / "notebooks"
    created: list[Path] = []
    for d in (home, folder, notebooks):
        if not d.exists():
            d.mkdir(mode=0o700, parents=True)
            created.append(d)
    copied: list[str] = []
    for src in sorted((course / "notebooks").glob("*.ipynb")):
        dest = notebooks / src.name
        if dest.exists() or dest.is_symlink():
            continue
        shutil.copyfile(src, dest)
        dest.chmod(0o644)
        created.append(dest)
        copied.append(src.name)
    link = folder / "node_modules"
    if not link.is_symlink() and not link.exists():
        link.symlink_to(course / "node_modules")
        created.append(link)
    if uid is not None:
        for path in created:
            os.chown(path, uid, gid if gid is not None else -1, follow_symlinks=False)
        os.chown(home, uid, gid if gid is not None else -1)
        home.chmod(0o700)
    return copied


class Cgroup:
    """A student's own cgroup with a memory limit and a CPU quota, where this machine allows it.

    cgroup v2 (one unified tree) or v1 (memory and cpu controllers mounted apart), created under
    the cgroup the hub itself runs in. `available` says whether it worked; `why` says what did not.
    """

    ROOT = Path("/sys/fs/cgroup")

    def __init__(self, name: str, mem_bytes: int, cpu: float) -> None:
        self.name, self.mem_bytes, self.cpu = name, mem_bytes, cpu
        self.dirs: list[Path] = []
        self.why = ""

    @staticmethod
    def _own(controller: str) -> str:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(","):
                return path
        raise LookupError(controller)

    def create(self) -> bool:
        try:
            if os.geteuid() != 0:
                raise PermissionError("the hub does not run as root")
            if (self.ROOT / "cgroup.controllers").exists():  # v2
                parent = self.ROOT / self._own_v2().lstrip("/")
                (parent / "cgroup.subtree_control").write_text("+memory +cpu")
                d = parent / self.name
                d.mkdir(exist_ok=True)
                (d / "memory.max").write_text(str(self.mem_bytes))
                (d / "cpu.max").write_text(f"{int(self.cpu * 100_000)} 100000")
                self.dirs = [d]
            else:  # v1
                mem = self.ROOT / "memory" / self._own("memory").lstrip("/") / self.name
                cpu = self.ROOT / "cpu" / self._own("cpu").lstrip("/") / self.name
                for d in (mem, cpu):
                    d.mkdir(exist_ok=True)
                self.dirs = [mem, cpu]
                (mem / "memory.limit_in_bytes").write_text(str(self.mem_bytes))
                (cpu / "cpu.cfs_period_us").write_text("100000")
                (cpu / "cpu.cfs_quota_us").write_text(str(int(self.cpu * 100_000)))
            return True
        except (OSError, LookupError, ValueError) as e:
            self.why = f"{type(e).__name__}: {e}"
            self.remove()
            self.dirs = []
            return False

    def _own_v2(self) -> str:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            if line.startswith("0::"):
                return line[3:]
        raise LookupError("cgroup v2 entry")

    def attach_self(self) -> None:
        """Move the calling process into the cgroup (a spawned server, before it drops root)."""
        for d in self.dirs:
            (d / "cgroup.procs").write_text(str(os.getpid()))

    def pids(self) -> list[int]:
        out: set[int] = set()
        for d in self.dirs:
            try:
                out |= {int(p) for p in (d / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return sorted(out)

    def remove(self) -> None:
        """Kill whatever is still inside (orphaned kernels, workers), then remove the cgroup."""
        for _ in range(50):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        for d in self.dirs:
            try:
                d.rmdir()
            except OSError:
                pass


def parse_bytes(text: str) -> int:
    """'1G', '512M', '2048K' or a number of bytes."""
    text = text.strip().upper().removesuffix("B")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    value = float(text[:-1] if text[-1:] in "KMG" else text)
    if value <= 0:
        raise ValueError(f"Expected a positive size such as 1G or 512M, got {text!r}")
    return int(value * scale)


class _CourseMixin:
    """Provision the course before each start; for system users, run the server in a cgroup."""

    # Settings (traitlets, declared on each spawner: a trait on a plain mixin is not configurable).
    course_dir: str
    mem_limit_bytes: int
    cpu_limit_cores: float

    def _home(self) -> Path:
        raise NotImplementedError

    def _owner(self) -> tuple[int | None, int | None]:
        return None, None

    async def start(self):
        uid, gid = self._owner()
        copied = provision(self._home(), Path(self.course_dir), uid, gid)
        if copied:
            self.log.info("%s: copied %d notebook(s) into their course folder", self.user.name, len(copied))
        self.notebook_dir = str(self._home() / COURSE_FOLDER / "notebooks")
        return await super().start()


class CourseSpawner(_CourseMixin, LocalProcessSpawner):
    """One system user per student (the hub runs as root): files apart by Unix permissions
    (private homes), memory/CPU apart by a cgroup per student where the kernel offers one."""

    course_dir = Unicode("", config=True, help="The installed course (HUB_HOME/course)")
    mem_limit_bytes = Integer(0, config=True, help="Memory per student in bytes; 0: no limit")
    cpu_limit_cores = Float(1.0, config=True, help="CPU cores per student")

    _cgroup: Cgroup | None = None

    def _home(self) -> Path:
        return Path(pwd.getpwnam(self.user.name).pw_dir)

    def _owner(self) -> tuple[int | None, int | None]:
        entry = pwd.getpwnam(self.user.name)
        return entry.pw_uid, entry.pw_gid

    async def start(self):
        self._cgroup = None
        if self.mem_limit_bytes > 0:
            group = Cgroup(f"concurrency-lab-{self.user.name}", self.mem_limit_bytes, self.cpu_limit_cores)
            if group.create():
                self._cgroup = group
                self.log.info("%s: limits %d MB, %.2f CPU (cgroup %s)", self.user.name, self.mem_limit_bytes >> 20, self.cpu_limit_cores, group.dirs[0])
            else:
                self.log.warning("%s: no per-student limits on this machine (%s)", self.user.name, group.why)
        return await super().start()

    def make_preexec_fn(self, name):
        drop = super().make_preexec_fn(name)
        group = self._cgroup

        def preexec():
            if group is not None:
                group.attach_self()
            drop()

        return preexec

    async def stop(self, now=False):
        await super().stop(now=now)
        if self._cgroup is not None:
            self._cgroup.remove()
            self._cgroup = None


class SharedAccountSpawner(_CourseMixin, SimpleLocalProcessSpawner):
    """A hub run by a normal user: every student's server runs as that user, in a folder of its
    own. Files are apart by convention only (any student's code could read another's folder)."""

    course_dir = Unicode("", config=True, help="The installed course (HUB_HOME/course)")
    mem_limit_bytes = Integer(0, config=True, help="Memory per student in bytes; 0: no limit")
    cpu_limit_cores = Float(1.0, config=True, help="CPU cores per student")

    def _home(self) -> Path:
        return Path(self.home_dir)


if __name__ == "__main__":
    # The same copy-if-missing step outside JupyterHub's process (the Kubernetes recipe's
    # postStart hook): python classroom.py provision HOME COURSE
    import sys

    if len(sys.argv) != 4 or sys.argv[1] != "provision":
        sys.exit("usage: python classroom.py provision HOME COURSE")
    done = provision(Path(sys.argv[2]), Path(sys.argv[3]))
    print(f"course folder ready: {len(done)} notebook(s) copied")

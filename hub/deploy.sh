#!/usr/bin/env bash
# Installs the class server into HUB_HOME (make hub calls this; safe to re-run):
#   HUB_HOME/venv     JupyterHub, the idle culler and the course's JupyterLab (hub/requirements.txt)
#   HUB_HOME/proxy    configurable-http-proxy from npm (hub/proxy/package-lock.json)
#   HUB_HOME/course   the built course every student's kernel runs: package.json, dist/, data/,
#                     node_modules/, notebooks/ (the copies handed out on first login)
#   the tslab kernelspec inside HUB_HOME/venv, with absolute paths into HUB_HOME/course.
# Everything in HUB_HOME is readable by every account and writable only by its owner: students'
# servers run the venv and the course from here, never from the teacher's checkout.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
home="${HUB_HOME:?set HUB_HOME}"
python="${PYTHON:-python3}"
umask 022
mkdir -p "$home"

# Students' servers run this venv's Python: as root, it must be one every account can execute
# (a pyenv Python under /root is not); Debian's /usr/bin/python3 is. Tried as nobody.
as_nobody='import os, sys; os.setgid(65534); os.setgroups([]); os.setuid(65534); os.execv(sys.argv[1], sys.argv[1:] + ["-c", ""])'
usable() { "$1" -c "$as_nobody" "$1" 2>/dev/null; }
if [ "$(id -u)" = 0 ] && ! usable "$python"; then
  python=/usr/bin/python3
  usable "$python" || { echo "Expected /usr/bin/python3 with venv (apt-get install python3-venv) for the students' servers"; exit 1; }
  if [ -e "$home/venv/bin/python" ] && ! usable "$home/venv/bin/python"; then rm -rf "$home/venv"; fi
fi

stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

# The hub's venv (created in place: a venv cannot be moved).
want="$(stamp "$repo/hub/requirements.txt" "$repo/requirements.txt")"
if [ "$(cat "$home/venv/.stamp" 2>/dev/null)" != "$want" ]; then
  test -x "$home/venv/bin/python" || "$python" -m venv "$home/venv"
  (cd "$repo/hub" && "$home/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt)
  # JupyterLab runs node on scripts inside the venv; keep them CommonJS whatever is above.
  echo '{ "type": "commonjs" }' > "$home/venv/package.json"
  echo "$want" > "$home/venv/.stamp"
fi

# The proxy, pinned by its lockfile.
want="$(stamp "$repo/hub/proxy/package.json" "$repo/hub/proxy/package-lock.json")"
if [ "$(cat "$home/proxy/.stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf "$home/proxy" && mkdir -p "$home/proxy"
  cp "$repo/hub/proxy/package.json" "$repo/hub/proxy/package-lock.json" "$home/proxy/"
  (cd "$home/proxy" && npm ci --no-audit --no-fund --silent)
  echo "$want" > "$home/proxy/.stamp"
fi

# The course, as built in the checkout (make setup ran before this).
want="$(cd "$repo" && stamp package.json package-lock.json dist/.build-stamp data/diamonds.csv notebooks/*.ipynb scripts/install-kernel.mjs)"
if [ "$(cat "$home/course/.stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf "$home/course.new" && mkdir -p "$home/course.new/scripts"
  cp -a "$repo/package.json" "$repo/dist" "$repo/data" "$repo/node_modules" "$home/course.new/"
  mkdir -p "$home/course.new/notebooks"
  cp "$repo"/notebooks/*.ipynb "$home/course.new/notebooks/"
  cp "$repo/scripts/install-kernel.mjs" "$home/course.new/scripts/"
  rm -rf "$home/course" && mv "$home/course.new" "$home/course"
  chmod -R a+rX,go-w "$home/course"
  echo "$want" > "$home/course/.stamp"
fi
# The TypeScript kernel for every student, in the hub's venv (written each time: the venv may be new).
node "$home/course/scripts/install-kernel.mjs" --jupyter-dir "$home/venv/share/jupyter" >/dev/null
chmod a+rx "$home"
echo "class server installed in $home"

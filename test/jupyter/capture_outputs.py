"""Run a notebook's code cells on a real tslab kernel and print every raw iopub output as JSON lines.

Unlike nbconvert, which folds update_display_data into the first output, this keeps each message,
so a test can count the live updates of a progress bar. Usage: capture_outputs.py NOTEBOOK
Prints one JSON object per output: {"cell", "type", "data" | "text" | "ename"/"evalue", "display_id"}.
"""
import json
import os
import sys

from jupyter_client.manager import start_new_kernel

TIMEOUT_S = 120


def start():
    # Rarely tslab hangs at start-up (a zeromq EBUSY race in the kernel): retry once.
    for attempt in range(2):
        try:
            return start_new_kernel(kernel_name="tslab", cwd=os.path.dirname(os.path.abspath(sys.argv[1])), startup_timeout=60)
        except RuntimeError:
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


def main():
    nb = json.load(open(sys.argv[1], encoding="utf-8"))
    km, kc = start()
    try:
        for i, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            msg_id = kc.execute(source)
            while True:
                m = kc.get_iopub_msg(timeout=TIMEOUT_S)
                if m["parent_header"].get("msg_id") != msg_id:
                    continue
                t, c = m["msg_type"], m["content"]
                if t == "status" and c["execution_state"] == "idle":
                    break
                out = {"cell": i, "type": t}
                if t in ("display_data", "update_display_data"):
                    out["data"] = c["data"]
                    out["display_id"] = c.get("transient", {}).get("display_id")
                elif t == "stream":
                    out["text"] = c["text"]
                    out["name"] = c["name"]
                elif t == "error":
                    out["ename"], out["evalue"] = c["ename"], c["evalue"]
                else:
                    continue
                print(json.dumps(out, ensure_ascii=False), flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()

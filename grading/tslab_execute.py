"""nbgrader's Execute preprocessor, made to grade tslab notebooks cell by cell.

tslab answers every execute request that arrives within about 200 ms of a failed cell with
"aborted" and no output (KERNEL-NOTES: the abort window). nbgrader sends cells back to back, so
in a student's notebook the check right after an unanswered exercise (its stub throws) would be
aborted, have no output, and score full marks. TslabExecute waits out the window after every
failing cell, so the next cell really runs, and records a cell that was aborted anyway as an
error, so it scores 0. tslab's error replies also lack the ename/traceback nbgrader's own hook
reads (it raised KeyError: 'ename' on the first failing cell): an error output is recorded here.
"""
import asyncio

from nbformat.notebooknode import NotebookNode
from traitlets import Float

from nbgrader.preprocessors import Execute


class TslabExecute(Execute):
    """Execute that waits out tslab's abort window after a failing cell."""

    abort_window = Float(
        0.5,
        help="Seconds to wait after a failing cell before the next one is sent "
        "(tslab aborts requests that arrive within about 0.2 s of an error).",
    ).tag(config=True)

    async def on_cell_executed(self, **kwargs):  # nbclient awaits an async hook
        cell = kwargs["cell"]
        status = kwargs["execute_reply"]["content"]["status"]
        if status == "aborted":
            cell.outputs.append(NotebookNode(
                output_type="error", ename="CellAborted",
                evalue="the kernel aborted this cell without running it",
                traceback=["CellAborted: the kernel aborted this cell without running it"],
            ))
            return
        if status == "error":
            # tslab's error reply carries no ename/evalue/traceback (it writes the error to stderr),
            # which nbgrader's own hook expects; record one error output here instead.
            content = kwargs["execute_reply"]["content"]
            if not any(o.output_type == "error" for o in cell.outputs):
                message = content.get("evalue") or "the cell failed (see its stderr output)"
                cell.outputs.append(NotebookNode(
                    output_type="error", ename=content.get("ename") or "Error", evalue=message,
                    traceback=content.get("traceback") or [message],
                ))
            await asyncio.sleep(self.abort_window)

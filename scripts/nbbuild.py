"""Tiny helper for writing course notebooks from Python: cells as (kind, text) pairs.

    from nbbuild import md, code, write
    write("notebooks/00-start-here.ipynb", [md("# Title"), code("console.log(1)")])

Notebooks are stored without outputs, with the tslab kernelspec. A code cell passed as
solution(...) is kept collapsed (source hidden) so a student sees the exercise first.
"""
from __future__ import annotations

import textwrap

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KERNEL_METADATA = {
    "kernelspec": {"name": "tslab", "display_name": "TypeScript", "language": "typescript"},
    "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
}


def md(text: str):
    return new_markdown_cell(textwrap.dedent(text).strip("\n"))


def code(text: str, *tags: str):
    cell = new_code_cell(textwrap.dedent(text).strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def solution(text: str):
    cell = code(text, "solution")
    cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def write(path: str, cells) -> None:
    nb = new_notebook(cells=list(cells), metadata=KERNEL_METADATA)
    nb.nbformat_minor = 5
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:03d}"
    nbformat.validate(nb)
    nbformat.write(nb, path)

#!/usr/bin/env python3
"""Build the static HTML edition of the executed course.

    .venv/bin/python scripts/build-site.py build/notebooks build/site

Reads every executed notebook (*.ipynb) in the input folder and writes to the output folder:
  - index.html: the notebooks in order, each with its title and learning goals (the first
    markdown cell: its first heading is the title, the rest are the goals);
  - <name>.html: one page per notebook (nbconvert's JupyterLab template), pictures embedded
    (SVG inline, PNG as data: URIs), with links to the index and the previous/next notebook.

Readable with no network: the CDN scripts of nbconvert's template (require.js, MathJax,
mermaid) are left out, and the build fails if any page still loads a script, stylesheet or
image from elsewhere. Prints one line per page; exit code 1 on any problem.
"""
from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune

# nbconvert's lab page without its CDN <script>s, plus a small navigation bar.
# (The course uses no LaTeX, widgets or mermaid; if it ever does, they must be vendored here.)
PAGE_TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">
  nav.site-nav { display: flex; gap: 1.5em; padding: 0.6em 1em; margin-bottom: 1em;
    border-bottom: 1px solid #ddd; font: 14px system-ui, sans-serif; }
  nav.site-nav a { text-decoration: none; }
  nav.site-nav .spacer { flex: 1; }
  details.site-folded { margin: 0.5em 0 0.5em 1em; }
  details.site-folded > summary { cursor: pointer; color: #555; font: 14px system-ui, sans-serif; }
</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.site_nav }}
{%- endblock body_header -%}
{#- A solution (an exercise's answer cell, or tag "solution") or a cell whose code is collapsed in JupyterLab stays folded. -#}
{% block codecell %}
{%- set tags = cell.metadata.get('tags', []) -%}
{%- set solution = 'solution' in tags or cell.metadata.get('nbgrader', {}).get('solution') -%}
{%- if solution or cell.metadata.get('jupyter', {}).get('source_hidden') -%}
<details class="site-folded"><summary>{{ 'Solution' if solution else 'Hidden code' }} (click to show)</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock codecell %}
{% block body_footer %}
{{ resources.site_nav }}
{{ super() }}
{% endblock body_footer %}
"""

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<style type="text/css">
  body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em; color: #222; }}
  h1 {{ margin-bottom: 0.2em; }}
  .lead {{ color: #555; margin-top: 0; }}
  ol.notebooks {{ padding-left: 0; list-style: none; }}
  ol.notebooks > li {{ border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1.2em; margin: 1em 0; }}
  ol.notebooks h2 {{ font-size: 1.25em; margin: 0.3em 0; }}
  ol.notebooks a {{ text-decoration: none; }}
  code {{ background: #f3f3f3; padding: 0 0.2em; border-radius: 3px; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="lead">The executed course, one page per notebook, readable with no network.
Open the notebooks themselves in JupyterLab (<code>make lab</code>) to run and change them.</p>
<ol class="notebooks">
{items}
</ol>
</body>
</html>
"""

ITEM_TEMPLATE = """<li class="notebook" id="{name}">
<h2><a href="{href}">{title}</a></h2>
<div class="goals">
{goals}
</div>
</li>"""

# Anything a page would fetch from elsewhere: <script src>, <link href>, <img src>, CSS @import/url().
EXTERNAL = re.compile(
    r"""<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//"""
    r"""|@import\s+(?:url\()?\s*["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def external_references(page: str) -> list[str]:
    """Every place in a page that would load something over the network."""
    return [page[m.start() : m.start() + 120] for m in EXTERNAL.finditer(page)]


def title_and_goals(nb) -> tuple[str | None, str]:
    """Title (first heading of the first markdown cell) and the rest of that cell, as markdown."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for i, line in enumerate(lines):
            m = re.match(r"^#{1,6}\s+(.*\S)\s*$", line)
            if m:
                return m.group(1), "\n".join(lines[:i] + lines[i + 1 :]).strip()
        return None, cell.source.strip()
    return None, ""


def nav_html(prev: tuple[str, str] | None, nxt: tuple[str, str] | None) -> str:
    parts = ['<nav class="site-nav"><a href="index.html">↑ All notebooks</a><span class="spacer"></span>']
    if prev:
        parts.append(f'<a href="{html.escape(prev[0])}">← {html.escape(prev[1])}</a>')
    if nxt:
        parts.append(f'<a href="{html.escape(nxt[0])}">{html.escape(nxt[1])} →</a>')
    parts.append("</nav>")
    return "".join(parts)


def make_exporter() -> HTMLExporter:
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"site.html.j2": PAGE_TEMPLATE})],
        template_file="site.html.j2",
    )
    # Images referenced from markdown become data: URIs; outputs are embedded already.
    exporter.embed_images = True
    # Headless runs have no execution counts: "In [ ]:" on every cell says nothing.
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_anchor_links = True
    return exporter


def build(src: Path, out: Path) -> list[str]:
    """Builds the site; returns the problems found (empty when all is well)."""
    notebooks = sorted(p for p in src.glob("*.ipynb") if not p.name.startswith("."))
    if not notebooks:
        return [f"no notebooks (*.ipynb) in {src}"]
    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    exporter = make_exporter()

    loaded = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        title, goals = title_and_goals(nb)
        loaded.append((path, nb, title or path.stem, goals))

    items = []
    for i, (path, nb, title, goals) in enumerate(loaded):
        href = f"{path.stem}.html"
        prev = (f"{loaded[i - 1][0].stem}.html", loaded[i - 1][2]) if i > 0 else None
        nxt = (f"{loaded[i + 1][0].stem}.html", loaded[i + 1][2]) if i + 1 < len(loaded) else None
        nb.metadata["title"] = title
        resources = {"metadata": {"name": path.stem, "path": str(path.parent)}, "site_nav": nav_html(prev, nxt)}
        page, _ = exporter.from_notebook_node(nb, resources=resources)
        for ref in external_references(page):
            problems.append(f"{href}: loads from the network: {ref!r}")
        (out / href).write_text(page, encoding="utf-8")
        pictures = page.count("<svg") + page.count('src="data:image/')
        print(f"site: {href:40} {len(page) // 1024:6} KiB  {pictures} embedded pictures")
        items.append(
            ITEM_TEMPLATE.format(
                name=html.escape(path.stem),
                href=html.escape(href),
                title=html.escape(title),
                goals=markdown2html_mistune(goals) if goals else "",
            )
        )

    index = INDEX_TEMPLATE.format(title="concurrency-lab — the course", items="\n".join(items))
    for ref in external_references(index):
        problems.append(f"index.html: loads from the network: {ref!r}")
    (out / "index.html").write_text(index, encoding="utf-8")
    print(f"site: index.html with {len(loaded)} notebooks → {out}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src", type=Path, help="folder of executed notebooks (e.g. build/notebooks)")
    parser.add_argument("out", type=Path, help="output folder (e.g. build/site)")
    args = parser.parse_args(argv)
    problems = build(args.src, args.out)
    for p in problems:
        print(f"site: PROBLEM {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

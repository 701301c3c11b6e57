"""Write nbs/index.ipynb (the docs home page) from README.md: one markdown cell per section.

    .venv/bin/python tools/readme_to_index.py

nbdev's own direction (index.ipynb -> README.md with nbdev_readme) needs Quarto, which is not installable on our
machines, so README.md is the source and the home page follows it.
"""
import re
from pathlib import Path
import nbformat

root = Path(__file__).resolve().parent.parent
parts = [p.strip() for p in re.split(r'\n(?=## )', (root/'README.md').read_text())]
# nbdev turns the title cell into the page's front matter: the title and ONE `> ` line (the description, which a
# description wrapped over several `> ` lines loses after its first); the rest of the introduction gets a cell of its own
title, rest = parts[0].split('\n', 1)
paras = rest.strip().split('\n\n')
if paras[0].startswith('>'):   # the description: joined into one `> ` line
    title, paras = f"{title}\n\n> {' '.join(l.lstrip('>').strip() for l in paras[0].splitlines())}", paras[1:]
cells = [title] + (['\n\n'.join(paras)] if paras else []) + parts[1:]
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_markdown_cell(c, id=f'readme-{i:02d}') for i, c in enumerate(cells)]   # stable ids: no diff noise
nb.metadata = {'kernelspec': {'display_name': 'gnnrec', 'language': 'python', 'name': 'gnnrec'}}   # the kernel every notebook names
nbformat.write(nb, root/'nbs'/'index.ipynb')
print(f"wrote nbs/index.ipynb ({len(nb.cells)} markdown cells)")

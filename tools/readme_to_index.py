"""Write nbs/index.ipynb (the docs home page) from README.md: one markdown cell per section.

    .venv/bin/python tools/readme_to_index.py

nbdev's own direction (index.ipynb -> README.md with nbdev_readme) needs Quarto, which is not installable on our
machines, so README.md is the source and the home page follows it.
"""
import re
from pathlib import Path
import nbformat

root = Path(__file__).resolve().parent.parent
parts = re.split(r'\n(?=## )', (root/'README.md').read_text())
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_markdown_cell(p.strip()) for p in parts]
nb.metadata = {'kernelspec': {'display_name': 'gnnrec', 'language': 'python', 'name': 'gnnrec'}}   # the kernel every notebook names
nbformat.write(nb, root/'nbs'/'index.ipynb')
print(f"wrote nbs/index.ipynb ({len(nb.cells)} markdown cells)")

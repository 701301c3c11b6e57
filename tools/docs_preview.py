#!/usr/bin/env python
"""Render the notebooks to a static HTML preview of the documentation site, without Quarto.

`nbdev_docs` needs Quarto. This script produces the same content with nbconvert, as a reader would see it:

1. execute each notebook in nbs/ with a Jupyter kernel ("gnnrec" if registered, else "python3"), from nbs/ (as
   nbdev_test does), OMP_NUM_THREADS=1 and IN_TEST=1, skipping the cells nbdev_test skips (`#| eval: false`,
   cells flagged with a `tst_flags` flag such as `#| slow`, cells calling `nbdev_export(`);
2. process the executed notebook with nbdev's own docs processors (`nbdev.processors.FilterDefaults`, exactly what
   `nbdev.serve.proc_nbs` applies): `#| hide` and `#| export` cells disappear, a `show_doc` cell (signature with
   its docments comments, docstring; nbdev 2.4 renders no table) follows each exported function or class, the
   title cell becomes the page header, `#| echo: false`, `#| output: false`, `#| include: false` are honoured,
   backticked names link to their docs. A cell that would stop nbdev_docs here (nbdev re-runs every cell holding
   an import, in a fresh shell, to render show_doc) is reported as a failure instead of stopping the build;
3. convert each page with nbconvert's HTMLExporter (lab template, images embedded) to OUT/<page>.html, with the
   page names Quarto would use (00_data.ipynb -> data.html), so the doc links between pages work; index.html comes
   from nbs/index.ipynb and lists the chapters in the order of nbs/sidebar.yml. Every page gets a navigation bar.

Usage (from the repository root):
    OMP_NUM_THREADS=1 .venv/bin/python tools/docs_preview.py [--out _site] [--only 01_graph] [--no-execute]

Exit status 0 when every page executed and rendered without blemishes (stderr, warnings, tracebacks or temporary
paths in its outputs, unless the cell is tagged shows-message; --allow-blemishes accepts them), 1 otherwise (the failing notebook and cell are named; the
page is still written, with the outputs up to the failure and a red banner), 2 for a bad --only name.
After the summary, "notes" list what nbdev silently drops or re-runs (prose in the title cell, cells mixing
imports with code): not failures, but a reader notices them.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

# Before anything imports torch (nbdev's show_doc processor imports the package in this process) and before the
# kernel starts (it inherits the environment): torch's and DGL's OpenMP pools fight over 2 cores otherwise.
os.environ.setdefault('OMP_NUM_THREADS', '1')

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / 'nbs'
SKIP_TAG = 'skip-execution'   # nbclient's default `skip_cells_with_tag`
NOT_RUN_TAG = 'docs-not-run'  # shown as a note on the page


class PageError(Exception):
    "A page failed to execute, process or render; the message names the notebook and the cell."


# ---------------------------------------------------------------------------------------------------------------
# Pages, titles, order
# ---------------------------------------------------------------------------------------------------------------

def _flatten_sidebar(items) -> list[str]:
    "Notebook file names in a Quarto sidebar `contents` list (strings, {href:...} or {section:..., contents:[...]})."
    out = []
    for it in items or []:
        if isinstance(it, str): out.append(it)
        elif isinstance(it, dict):
            if 'href' in it: out.append(it['href'])
            out += _flatten_sidebar(it.get('contents'))
    return out


def page_order() -> list[Path]:
    "Notebooks in nbs/sidebar.yml order, then any notebook the sidebar misses (nbdev renders those too)."
    import yaml
    listed = []
    sb = NBS / 'sidebar.yml'
    if sb.exists():
        contents = ((yaml.safe_load(sb.read_text()) or {}).get('website', {}).get('sidebar', {}).get('contents'))
        for name in _flatten_sidebar(contents):
            p = NBS / name
            if p.suffix != '.ipynb': continue
            if p.exists(): listed.append(p)
            else: print(f'warning: nbs/sidebar.yml lists {name}, which does not exist', file=sys.stderr)
    rest = sorted(p for p in NBS.glob('*.ipynb') if p not in listed and not p.name.startswith(('_', '.')))
    for p in rest: print(f'warning: {p.name} is not in nbs/sidebar.yml; rendered after the listed pages', file=sys.stderr)
    if (NBS / 'index.ipynb') in listed: listed.remove(NBS / 'index.ipynb')
    return ([NBS / 'index.ipynb'] if (NBS / 'index.ipynb').exists() else []) + listed + rest


def html_name(nb_path: Path) -> str:
    "The page name Quarto gives a notebook (nbdev's rule): '00_data.ipynb' -> 'data.html'."
    from nbdev.doclinks import _nbpath2html
    return _nbpath2html(Path(nb_path.name)).name


def title_of(nb_path: Path) -> tuple[str, str]:
    "Title and description as nbdev's FrontmatterProc reads them: raw YAML front matter, else the first `# ` heading and its `> ` line."
    from nbdev.frontmatter import _fm2dict, _md2dict
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    fm = {}
    for c in nb.get('cells', []):
        src = ''.join(c.get('source', ''))
        if c['cell_type'] == 'raw': fm.update(_fm2dict(src) or {})
        elif c['cell_type'] == 'markdown' and 'title' not in fm: fm.update(_md2dict(src) or {})
    return str(fm.get('title', nb_path.stem)), str(fm.get('description', ''))


def title_cell_notes(nb_path: Path) -> list[str]:
    "What nbdev silently drops from the title cell: it turns the whole cell into front matter (title + first `> ` line)."
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    for i, c in enumerate(nb.get('cells', [])):
        src = ''.join(c.get('source', ''))
        if c['cell_type'] != 'markdown' or not re.search(r'^#\s+\S', src, re.M): continue
        lines = [l for l in src.splitlines() if l.strip()]
        quotes = [l for l in lines if re.match(r'^>\s', l)]
        prose = [l for l in lines if not re.match(r'^(#\s|>\s|-\s+\S.*:)', l)]
        notes = []
        if len(quotes) > 1:
            notes.append(f'the description is cut to its first `> ` line of {len(quotes)}, ending "...{quotes[0][2:].strip()[-40:]}"')
        if prose:
            words = sum(len(l.split()) for l in prose)
            notes.append(f'{words} words after the title in cell {i + 1} never reach the docs ("{prose[0].strip()[:50]}..."): '
                         'nbdev turns the whole title cell into front matter; move them to a cell of their own')
        return notes
    return ['no `# Title` markdown cell: the page has no title']


# ---------------------------------------------------------------------------------------------------------------
# 1. Execute (like nbdev_test)
# ---------------------------------------------------------------------------------------------------------------

def _first_line(src: str) -> str:
    lines = [l.strip() for l in src.splitlines() if l.strip() and not l.lstrip().startswith('#|')] or ['']
    return lines[0][:100]


def mark_skipped(nb, skip_flags: set) -> int:
    "Tag the code cells nbdev_test would not run (its `_no_eval`); return how many."
    from nbdev.process import extract_directives
    n = 0
    for c in nb.cells:
        if c.cell_type != 'code': continue
        d = extract_directives(c, remove=False)
        skip = ('nbdev_export' + '(' in c.source or d.get('eval:', [''])[0].lower() == 'false'
                or bool(skip_flags & d.keys()))
        if skip:
            c.metadata.setdefault('tags', [])
            c.metadata.tags += [SKIP_TAG, NOT_RUN_TAG]
            n += 1
    return n


def kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager
    return 'gnnrec' if 'gnnrec' in KernelSpecManager().find_kernel_specs() else 'python3'


def execute(nb, nb_path: Path, kernel: str, timeout: int):
    "Run the notebook in place with nbconvert's ExecutePreprocessor, cwd nbs/; raise PageError naming the failing cell."
    from nbconvert.preprocessors import ExecutePreprocessor

    import tempfile
    errlog = tempfile.TemporaryFile()   # the kernel process's own stderr (fd level: C++ warnings, crashes)

    class _EP(ExecutePreprocessor):
        current = None
        def preprocess_cell(self, cell, resources, index):
            self.current = index
            return super().preprocess_cell(cell, resources, index)
        def setup_kernel(self, **kw): return super().setup_kernel(stderr=errlog, **kw)

    def _kernel_stderr():
        errlog.seek(0)
        noise = ('Kernel is running over TCP without encryption',)   # ipykernel 7, local kernel: harmless
        for l in errlog.read().decode(errors='replace').splitlines():
            if l.strip() and not any(n in l for n in noise): print(f'    [{nb_path.name} kernel stderr] {l}', file=sys.stderr)
        errlog.close()

    ep = _EP(timeout=timeout, kernel_name=kernel, skip_cells_with_tag=SKIP_TAG)
    try:
        try: ep.preprocess(nb, {'metadata': {'path': str(nb_path.parent)}})
        finally: _kernel_stderr()
    except Exception as e:
        i = ep.current
        err = next((o for o in (nb.cells[i].get('outputs', []) if i is not None else []) if o.output_type == 'error'), None)
        what = f'{err.ename}: {err.evalue}' if err else f'{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ""}'
        where = (f'cell {i + 1} of {len(nb.cells)} (`{_first_line(nb.cells[i].source)}`)' if i is not None else 'kernel start')
        raise PageError(f'{nb_path.name}: execution failed at {where}: {what}') from e


# ---------------------------------------------------------------------------------------------------------------
# 2. Process with nbdev's docs processors (what proc_nbs does to each notebook)
# ---------------------------------------------------------------------------------------------------------------

def _doc_procs():
    "nbdev's FilterDefaults, with its show_doc executor made to record failing cells instead of stopping at the first."
    from nbdev.processors import FilterDefaults, exec_show_docs

    class exec_show_docs_recording(exec_show_docs):
        # nbdev runs, in a fresh in-process shell, every cell that imports something, every exported cell and every
        # show_doc cell; the first one that raises stops nbdev_docs. Here: record it, keep the kernel's outputs, go on.
        failures = []
        def __call__(self, cell):
            saved = cell.get('outputs')
            try: super().__call__(cell)
            except Exception as e:
                type(self).failures.append((cell, e.__cause__ or e))
                if saved is not None: cell['outputs'] = saved
                if hasattr(self, 'k'): self.k.exc = None

    class Procs(FilterDefaults):
        def base_procs(self):
            return [exec_show_docs_recording if p is exec_show_docs else p for p in super().base_procs()]

    exec_show_docs_recording.failures = []
    return Procs(), exec_show_docs_recording.failures


def process(nb, nb_path: Path):
    """Apply nbdev's docs processors (FilterDefaults, as proc_nbs does) to an nbformat notebook.
    Return the processed nbformat notebook, its front matter, and a message naming the cells nbdev_docs would fail on."""
    import nbformat
    from execnb.nbio import dict2nb, nb2str
    from fastcore.xtras import working_directory
    xnb = dict2nb(json.loads(nbformat.writes(nb)))
    xnb.path_ = str(nb_path)
    for i, c in enumerate(xnb.cells): c.orig_ = i      # attributes ending in _ are not written out
    procs, failures = _doc_procs()
    os.environ['IN_TEST'] = '1'    # as nbdev.serve_drv does while processing
    import warnings
    try:
        with working_directory(nb_path.parent), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            procs(xnb)
    except Exception as e:
        raise PageError(f'{nb_path.name}: nbdev docs processing failed: {type(e).__name__}: {" ".join(str(e).split())[:300]}') from e
    problem = None
    if failures:
        parts = []
        for c, e in failures:
            n = getattr(c, 'orig_', None)
            where = f'cell {n + 1} (`{_first_line(c.source)}`)' if n is not None else f'a generated cell (`{_first_line(c.source)}`)'
            hint = (' - nbdev runs every cell containing an import (plus exported and show_doc cells) in a fresh shell '
                    'to render show_doc, so this cell cannot use the demo variables: move its imports to the imports cell'
                    if isinstance(e, NameError) and re.search(r'(^|[;:]\s*)(import|from)\s', c.source, re.M) else '')
            parts.append(f'{where}: {type(e).__name__}: {e}{hint}')
        problem = f'{nb_path.name}: nbdev_docs would stop here (show_doc processing): ' + '; '.join(parts)
    notes = []
    for w in caught:   # nbdev warns about each cell mixing imports and other code; it re-runs those for show_doc
        m = re.match(r'Found cells containing imports and other code.*?\n---\n(.*)\n---\n', str(w.message), re.S)
        if not m: continue
        first = _first_line(m.group(1))   # processors may have removed the cell (#| hide): match the original
        n = next((i for i, c in enumerate(nb.cells) if c.cell_type == 'code' and _first_line(c.source) == first), None)
        notes.append(f"cell {n + 1 if n is not None else '?'} (`{_first_line(m.group(1))}`) mixes imports with other code: "
                     "nbdev re-runs it in a fresh in-process shell to build the docs; move the imports to the imports cell")
    fm = dict(getattr(xnb, 'frontmatter_', {}) or {})
    return nbformat.reads(nb2str(xnb), as_version=4), fm, problem, notes


# ---------------------------------------------------------------------------------------------------------------
# 3. Quarto leftovers -> plain nbconvert
# ---------------------------------------------------------------------------------------------------------------

_re_quarto_dir = re.compile(r'^\s*#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')
_re_qlink = re.compile(r'\[([^\]]+)\]\(([^)\s]+)\)\{([^}]*)\}')   # [txt](url){target="_blank" style="..."}
_re_ansi = re.compile(r'\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])')


def _qlink_line(line: str) -> str:
    "A line that is only a Quarto link with attributes (show_doc's source link) -> an HTML block; inline ones -> plain links."
    m = _re_qlink.fullmatch(line.strip())
    if m:
        txt, url, _ = m.groups()
        return f'<div class="docs-source"><a href="{html.escape(url)}" target="_blank">{html.escape(txt)}</a></div>'
    return _re_qlink.sub(lambda m: f'[{m.group(1)}]({m.group(2)})', line)


def fix_markdown(md: str, site: str) -> str:
    "Quarto link attributes -> HTML; absolute links into this project's docs site -> relative links between pages."
    md = '\n'.join(_qlink_line(l) if '](' in l else l for l in md.split('\n'))
    return md.replace(site, '') if site else md


def quarto_options(nb, site: str) -> None:
    "Honour the Quarto cell options nbdev leaves in code cells (echo/output/include/eval), then strip them."
    keep = []
    for c in nb.cells:
        if c.cell_type == 'raw': continue                   # the front matter cell: rendered as the page header
        if c.cell_type == 'markdown':
            c.source = fix_markdown(c.source, site)
            if c.source.strip() == '<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! -->': continue
            keep.append(c); continue
        lines = c.source.splitlines()
        opts = {}
        while lines and _re_quarto_dir.match(lines[0]):
            k, v = _re_quarto_dir.match(lines[0]).groups()
            opts[k] = v.strip('"\'').lower()
            lines.pop(0)
        c.source = '\n'.join(lines)
        if opts.get('include') == 'false': continue
        if opts.get('output') == 'false': c.outputs = []
        if opts.get('echo') == 'false' or not c.source.strip():
            c.metadata.setdefault('transient', {})['remove_source'] = True   # nbconvert's templates read this
        for o in c.get('outputs', []):
            if o.get('output_type') in ('display_data', 'execute_result') and 'text/markdown' in o.get('data', {}):
                md = o.data['text/markdown']
                o.data['text/markdown'] = fix_markdown(''.join(md) if isinstance(md, list) else md, site)
            if o.get('output_type') == 'stream' and o.get('name') == 'stderr':
                o.text = _re_ansi.sub('', o.text)
        if not c.source.strip() and not c.get('outputs'): continue
        keep.append(c)
    nb.cells = keep


# ---------------------------------------------------------------------------------------------------------------
# 4. HTML
# ---------------------------------------------------------------------------------------------------------------

CSS = """
<style>
body.jp-Notebook { padding: 0 !important; }
main { max-width: 1100px; margin: 0 auto; padding: 0 24px 64px 24px; }
nav.docs-nav { position: sticky; top: 0; z-index: 100; background: #2780e3; padding: 8px 24px; font: 14px/1.6 system-ui, sans-serif; }
nav.docs-nav a { color: #fff; text-decoration: none; margin-right: 18px; white-space: nowrap; }
nav.docs-nav a.current { font-weight: 700; text-decoration: underline; }
nav.docs-nav a.home { font-weight: 700; margin-right: 26px; }
header.docs-header, .docs-chapters, #chapters { font-family: var(--jp-content-font-family); }
header.docs-header { padding: 28px 0 12px 0; border-bottom: 1px solid #ddd; margin-bottom: 16px; }
header.docs-header h1 { margin: 0 0 8px 0; font-size: 2.2em; }
header.docs-header .description { font-style: italic; font-size: 1.25em; opacity: .75; }
.docs-failed { background: #fde8e8; border: 2px solid #c62828; color: #8e0000; padding: 12px 16px; margin: 16px 0; font: 15px/1.5 system-ui, sans-serif; white-space: pre-wrap; }
.docs-chapters { margin: 8px 0 24px 0; border-collapse: collapse; }
.docs-chapters td { padding: 4px 12px 4px 0; vertical-align: top; border: none !important; }
.docs-chapters td:first-child { white-space: nowrap; font-weight: 600; }
.celltag_docs-not-run::after { content: "not run in this preview (eval: false, or flagged like slow: nbdev_test skips it)"; display: block; font: italic 12px system-ui, sans-serif; color: #888; padding: 0 0 6px 8px; }
.docs-source { float: right; font-size: smaller; }
.jp-RenderedMarkdown blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 12px; }
.jp-RenderedMarkdown table { margin-left: 0; }
.jp-OutputArea-output pre { max-height: 40em; overflow: auto; }
.jp-RenderedMarkdown pre { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 4px; padding: 8px 12px; margin: 8px 0 14px 0; overflow: auto; }
.jp-RenderedMarkdown pre code { background: none; }
</style>
"""


def nav_html(pages: list[dict], current: str) -> str:
    links = []
    for p in pages:
        cls = ' '.join(c for c in ['home' if p['html'] == 'index.html' else '', 'current' if p['html'] == current else ''] if c)
        attr = f' class="{cls}"' if cls else ''
        links.append(f'<a href="{p["html"]}"{attr}>{html.escape(p["title"])}</a>')
    return '<nav class="docs-nav">' + ''.join(links) + '</nav>\n'


def chapters_html(pages: list[dict]) -> str:
    from nbconvert.filters.markdown import markdown2html
    rows = []
    for p in pages:
        if p['html'] == 'index.html': continue
        desc = markdown2html(p['description']).strip()
        desc = re.sub(r'^<p>(.*)</p>$', r'\1', desc, flags=re.S)
        rows.append(f'<tr><td><a href="{p["html"]}">{html.escape(p["title"])}</a></td><td>{desc}</td></tr>')
    return '<h2 id="chapters">Chapters</h2>\n<table class="docs-chapters">' + ''.join(rows) + '</table>\n'


def _lower_anchors(page: str) -> str:
    "nbdev's doc links use lower-case anchors (#gnnrec.embed); nbconvert keeps the heading's case: add both."
    def sub(m):
        hid = m.group(2)
        return m.group(0) if hid == hid.lower() else f'<span id="{hid.lower()}"></span>{m.group(0)}'
    return re.sub(r'<(h[1-6]) id="([^"]+)"', sub, page)


def render(nb, page: dict, pages: list[dict], failure: str | None) -> str:
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown import markdown2html
    ex = HTMLExporter(template_name='lab', embed_images=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = ex.from_notebook_node(nb, resources={'metadata': {'name': f"{page['title']} – gnnrec"}})
    desc = markdown2html(page['description']).strip() if page['description'] else ''
    desc = re.sub(r'^<p>(.*)</p>$', r'\1', desc, flags=re.S)
    header = f'<header class="docs-header"><h1>{html.escape(page["title"])}</h1>'
    header += f'<div class="description">{desc}</div>' if desc else ''
    header += '</header>\n'
    if failure: header += f'<div class="docs-failed">This page did not build cleanly:\n{html.escape(failure)}</div>\n'
    if page['html'] == 'index.html': header += chapters_html(pages)
    if '<main>' not in body or '</head>' not in body: raise PageError(f"{page['nb']}: unexpected nbconvert output (no <main>)")
    body = body.replace('</head>', CSS + '</head>', 1)
    body = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + '\n' + nav_html(pages, page['html']), body, count=1)
    body = body.replace('<main>', '<main>\n' + header, 1)
    return _lower_anchors(body)


# ---------------------------------------------------------------------------------------------------------------

SHOWS_MESSAGE_TAG = 'shows-message'   # a cell whose output explains that very message (a warning, an error): not a blemish
_re_tmp = re.compile(r'(?<![\w.])(/tmp|/var/folders|' + re.escape(tempfile.gettempdir()) + r')/[\w.-]+')
_re_warning = re.compile(r'\b(\w*Warning: |warning: |Traceback \(most recent call last\))')


def blemishes(nb) -> list[str]:
    "What a reader should not meet on a page: stderr, error outputs, tracebacks, warnings and temporary paths in visible outputs."
    out = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != 'code' or SHOWS_MESSAGE_TAG in c.metadata.get('tags', []): continue
        where = f'cell {i} (`{_first_line(c.source)}`)'
        for o in c.get('outputs', []):
            kind = o.get('output_type')
            if kind == 'error': out.append(f"{where}: an error output ({o.get('ename')}: {str(o.get('evalue'))[:80]})"); continue
            if kind == 'stream':
                text = o.get('text', '')
                if o.get('name') == 'stderr': out.append(f"{where}: stderr: {text.strip().splitlines()[0][:100] if text.strip() else '(blank)'}")
            else:
                d = o.get('data', {})
                text = d.get('text/plain', '') if 'text/html' not in d and 'text/markdown' not in d else d.get('text/markdown', '')
                text = ''.join(text) if isinstance(text, list) else text
            if (m := _re_warning.search(text)) and o.get('name') != 'stderr': out.append(f"{where}: {m.group(1).strip()} in the output")
            if m := _re_tmp.search(text): out.append(f"{where}: a temporary path in the output ({m.group(0)})")
    return out


def build(page: dict, pages: list[dict], out: Path, do_exec: bool, kernel: str, timeout: int, skip_flags: set, site: str) -> dict:
    import nbformat
    path = NBS / page['nb']
    res = dict(page=page['html'], nb=page['nb'], exec_s=0., proc_s=0., render_s=0., error=None, not_run=0)
    nb = nbformat.read(path, as_version=4)
    res['not_run'] = mark_skipped(nb, skip_flags) if do_exec else 0
    failure = None
    t = time.time()
    if do_exec:
        try: execute(nb, path, kernel, timeout)
        except PageError as e: failure = str(e)
    res['exec_s'] = time.time() - t
    for c in nb.cells:   # the skip tag has done its job; keep only the note
        if c.cell_type == 'code' and SKIP_TAG in c.metadata.get('tags', []): c.metadata.tags.remove(SKIP_TAG)
    t = time.time()
    try:
        pnb, fm, problem, res['notes'] = process(nb, path)
        if problem: failure = f'{failure}\n{problem}' if failure else problem
    except PageError as e:
        failure = f'{failure}\n{e}' if failure else str(e)
        pnb, fm = nb, {}
    res['proc_s'] = time.time() - t
    t = time.time()
    try:
        quarto_options(pnb, site)
        res['stderr'] = sum(1 for c in pnb.cells for o in c.get('outputs', []) if o.get('output_type') == 'stream' and o.get('name') == 'stderr')
        res['errors'] = sum(1 for c in pnb.cells for o in c.get('outputs', []) if o.get('output_type') == 'error')
        res['show_doc'] = sum(1 for c in pnb.cells if c.cell_type == 'code' and c.source.strip().startswith('show_doc('))
        res['blemishes'] = blemishes(pnb)
        page_html = render(pnb, page, pages, failure)
    except PageError as e:
        failure = failure or str(e); page_html = None
    except Exception as e:
        failure = failure or f"{page['nb']}: rendering failed: {type(e).__name__}: {e}"; page_html = None
    res['render_s'] = time.time() - t
    if page_html is not None:
        (out / page['html']).write_text(page_html, encoding='utf-8')
        res['kb'] = len(page_html.encode()) / 1024
    res['error'] = failure
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description='Render nbs/*.ipynb to a static HTML docs preview (no Quarto needed).')
    ap.add_argument('--out', default='_site', help='output directory (default _site, relative to the repository root)')
    ap.add_argument('--only', action='append', metavar='NAME',
                    help='render only this notebook (00_data, 00_data.ipynb or data); repeatable')
    ap.add_argument('--no-execute', action='store_true', help='do not run the notebooks (show_doc output is still made)')
    ap.add_argument('--timeout', type=int, default=600, help='seconds per cell (default 600)')
    ap.add_argument('--kernel', default=None, help='Jupyter kernel (default: gnnrec if registered, else python3)')
    ap.add_argument('--allow-blemishes', action='store_true', help='exit 0 even when a page shows stderr, warnings or temporary paths')
    a = ap.parse_args(argv)

    os.chdir(ROOT)                        # nbdev's get_config() finds settings.ini from here
    sys.path.insert(0, str(ROOT))         # as nbdev_test does (basepath), so `import gnnrec` is this checkout
    os.environ['IN_TEST'] = '1'           # as nbdev_test: notebooks must not run nbdev_export() etc. during a build
    from nbdev.config import get_config
    cfg = get_config()
    skip_flags = set(cfg.get('tst_flags', '').split())
    site = (cfg.get('doc_host', '') + cfg.get('doc_baseurl', '')).rstrip('/') + '/'

    pages = [dict(nb=p.name, html=html_name(p), title=title_of(p)[0], description=title_of(p)[1]) for p in page_order()]
    todo = pages
    if a.only:
        want = {re.sub(r'\.(ipynb|html)$', '', o) for o in a.only}
        todo = [p for p in pages if {Path(p['nb']).stem, Path(p['html']).stem} & want]
        missing = want - {s for p in todo for s in (Path(p['nb']).stem, Path(p['html']).stem)}
        if missing:
            print(f"docs_preview: no notebook named {', '.join(sorted(missing))} in nbs/ "
                  f"(have: {', '.join(Path(p['nb']).stem for p in pages)})", file=sys.stderr)
            return 2
    out = (ROOT / a.out) if not Path(a.out).is_absolute() else Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    kernel = a.kernel or kernel_name()
    print(f"docs_preview: {len(todo)} page(s) -> {out}  (kernel {kernel if not a.no_execute else '-, not executing'}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, skipping cells flagged {sorted(skip_flags) or '-'} or eval: false)",
          flush=True)

    results, t0 = [], time.time()
    for p in todo:
        r = build(p, pages, out, not a.no_execute, kernel, a.timeout, skip_flags, site)
        results.append(r)
        print(f"  {p['nb']:<22} {'FAILED' if r['error'] else 'ok':<6} {r['exec_s'] + r['proc_s'] + r['render_s']:6.1f} s", flush=True)

    print(f"\n{'page':<16} {'notebook':<22} {'status':<7} {'exec s':>7} {'docs s':>7} {'html s':>7} {'KB':>6} {'show_doc':>8} {'stderr':>6} {'blemish':>7} {'not run':>7}")
    for r in results:
        print(f"{r['page']:<16} {r['nb']:<22} {'FAILED' if r['error'] else 'ok':<7} {r['exec_s']:7.1f} {r['proc_s']:7.1f} "
              f"{r['render_s']:7.1f} {r.get('kb', 0):6.0f} {r.get('show_doc', 0):8d} {r.get('stderr', 0):6d} {len(r.get('blemishes', [])):7d} {r['not_run']:7d}")
    print(f"total {time.time() - t0:.0f} s; open {out / 'index.html'}")
    notes = [(p['nb'], n) for p, r in zip(todo, results) for n in title_cell_notes(NBS / p['nb']) + r.get('notes', [])]
    if notes:
        print('\nnotes for the notebooks (not failures):')
        for nb_name, n in notes: print(f'  {nb_name}: {n}')
    marred = [(r['nb'], b) for r in results for b in r.get('blemishes', [])]
    if marred:
        print(f"\nblemishes a reader would meet (tag the cell '{SHOWS_MESSAGE_TAG}' when the page explains that very message):")
        for nb_name, b in marred: print(f'  {nb_name}: {b}')
    failed = [r for r in results if r['error']]
    if marred and not failed and not a.allow_blemishes: return 1
    if failed:
        print(f"\ndocs_preview: {len(failed)} of {len(results)} page(s) failed:", file=sys.stderr)
        for r in failed: print(f"  {r['error']}", file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""Writes a tutorial notebook (nbformat 4.5, no outputs, stable cell ids "NN-MM") from its cells, in one of two forms:
`write(path, prefix, [md(text), code(text), …])` numbers the cells in order (dedented, stripped text), and `LiteralNotebook`
takes each cell with its whole id and its exact text (08, 09, 16–20: their cells were edited in the notebooks, then copied back).

Used by the generators that import it (`grep -l nbwrite scripts/notebooks/make_*.py`; the others write
their notebook themselves): edit the generator, run it, and the .ipynb is rewritten byte-for-byte the same when nothing changed.
"""
import json
import os
import textwrap

METADATA = {
    "kernelspec": {"name": "optimlab", "display_name": "TypeScript (optimlab)", "language": "typescript"},
    "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
}


def md(text, cell_id=None, **metadata):
    return ("markdown", text, metadata, cell_id)


def code(text, cell_id=None, **metadata):
    return ("code", text, metadata, cell_id)


def write(path, prefix, cells):
    """Cells are numbered NN-00, NN-01, … in order; a cell given `cell_id` (a cell inserted later, whose neighbours keep
    their ids and so their translations) is NN-<cell_id> and takes no number."""
    out = []
    index = 0
    for kind, text, metadata, cell_id in cells:
        if cell_id is None:
            cell_id = f"{index:02d}"
            index += 1
        source = textwrap.dedent(text).strip("\n")
        lines = source.split("\n")
        cell = {
            "cell_type": kind,
            "id": f"{prefix}-{cell_id}",
            "metadata": metadata,
            "source": [line + "\n" for line in lines[:-1]] + [lines[-1]],
        }
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        out.append(cell)
    notebook = {"cells": out, "metadata": METADATA, "nbformat": 4, "nbformat_minor": 5}
    # OPTIMLAB_NOTEBOOK_OUT redirects the output (test/notebooks/generators.test.ts compares it with the committed notebook).
    root = os.environ.get("OPTIMLAB_NOTEBOOK_OUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
    with open(os.path.join(root, path), "w", encoding="utf-8") as f:
        json.dump(notebook, f, indent=1, ensure_ascii=False)
        f.write("\n")


class LiteralNotebook:
    """A notebook written from literal cells, each given its whole id: `md("08-00", r\"\"\"<newline>text<newline>\"\"\")`.

    The cell's text is what lies between the literal's first and last newline, kept exactly (no dedent, no strip), so a
    generator holds each cell as it appears in the notebook, and ids never move when a cell is inserted.
    """

    def __init__(self):
        self.cells = []

    @staticmethod
    def _lines(text):
        parts = text[1:-1].split("\n")
        return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])

    def md(self, cell_id, text, metadata=None):
        self.cells.append({"cell_type": "markdown", "id": cell_id, "metadata": metadata or {}, "source": self._lines(text)})

    def code(self, cell_id, text, metadata=None):
        self.cells.append(
            {"cell_type": "code", "id": cell_id, "metadata": metadata or {}, "source": self._lines(text), "execution_count": None, "outputs": []}
        )

    def write(self, path):
        notebook = {"cells": self.cells, "metadata": METADATA, "nbformat": 4, "nbformat_minor": 5}
        root = os.environ.get("OPTIMLAB_NOTEBOOK_OUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
        with open(os.path.join(root, path), "w", encoding="utf-8") as f:
            json.dump(notebook, f, indent=1, ensure_ascii=False)
            f.write("\n")

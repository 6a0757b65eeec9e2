"""Executes a notebook with Jupyter's own client (nbclient) and prints its cells' outputs as JSON.

Usage: python3 run_notebook.py NOTEBOOK KERNEL_NAME
Used by conformance.test.ts to check that a real Jupyter client understands our kernel.
"""
import json
import os
import sys

import nbformat
from nbclient import NotebookClient


def main() -> None:
    path, kernel_name = sys.argv[1], sys.argv[2]
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=kernel_name,
        timeout=120,
        startup_timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    client.execute()
    cells = [
        {"source": cell.source, "execution_count": cell.get("execution_count"), "outputs": cell.get("outputs", [])}
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
    json.dump({"language_info": notebook.metadata.get("language_info", {}), "cells": cells}, sys.stdout)


if __name__ == "__main__":
    main()

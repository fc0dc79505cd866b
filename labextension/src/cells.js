// Notebooks and cells holding one nbkeras snippet (src/snippets.json; tests/test_lab_extension.py
// runs each snippet in a real kernel, so a renamed public API fails there).
import snippets from "./snippets.json";
import { freePath } from "./course.js";

export { snippets };

/**
 * A notebook with one code cell, for the kernel Lab would start by default.
 * @param {string} code
 * @param {{name: string, display_name: string, language: string} | undefined} spec
 */
export function notebookWith(code, spec) {
  const metadata = spec
    ? { kernelspec: { name: spec.name, display_name: spec.display_name, language: spec.language } }
    : {};
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: [{ cell_type: "code", source: code, metadata: {}, outputs: [], execution_count: null }],
  };
}

/**
 * Write a new notebook holding `snippet` in `dir` (a free name: nothing is overwritten); return its path.
 * @param {import("@jupyterlab/services").ServiceManager.IManager} services
 * @param {string} dir
 * @param {{file: string, code: string}} snippet
 */
export async function newNotebook(services, dir, snippet) {
  await services.kernelspecs.ready;
  const specs = services.kernelspecs.specs;
  const spec = specs ? specs.kernelspecs[specs.default] : undefined;
  const path = await freePath(services.contents, dir, snippet.file.replace(/\.ipynb$/, ""), ".ipynb");
  await services.contents.save(path, { type: "notebook", format: "json", content: notebookWith(snippet.code, spec) });
  return path;
}

/**
 * Insert a code cell holding `code` below the active cell of `panel`'s notebook and make it active.
 * @param {import("@jupyterlab/notebook").NotebookPanel} panel
 * @param {string} code
 */
export function insertBelow(panel, code) {
  const notebook = panel.content;
  const index = notebook.activeCellIndex + 1;
  notebook.model.sharedModel.insertCell(index, { cell_type: "code", source: code });
  notebook.activeCellIndex = index;
  notebook.deselectAll();
  if (typeof notebook.scrollToItem === "function") void notebook.scrollToItem(index);
}

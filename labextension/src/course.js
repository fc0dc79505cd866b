// Copy the course into the user's files, never over anything.
//
// The notebooks ship inside the Python package (nbkeras/notebooks); nbkeras's server
// extension (nbkeras/lab) hands them over as JSON at `<base>/nbkeras/course`, and this
// module writes them through Jupyter's Contents API, so the copy goes wherever the user's
// contents manager keeps files (local disk or not).
import { URLExt } from "@jupyterlab/coreutils";
import { ServerConnection } from "@jupyterlab/services";

/** The folder the course is copied into (`nbkeras-course`, then `nbkeras-course-2`, …). */
export const COURSE_FOLDER = "nbkeras-course";
/** The notebook opened once the course is copied. */
export const TOUR = "00_tour.ipynb";

/**
 * The first free path `dir/stem ext`, `dir/stem-2 ext`, … (nothing is ever overwritten).
 *
 * Reads the folder's listing once rather than probing each name: a probe of a missing
 * path is a 404, which the browser logs as an error.
 * @param {import("@jupyterlab/services").Contents.IManager} contents
 * @param {string} dir  folder relative to the server root ("" for the root)
 * @param {string} stem
 * @param {string} ext  ".ipynb", or "" for a folder
 */
export async function freePath(contents, dir, stem, ext) {
  const listing = await contents.get(dir, { content: true });
  const taken = new Set(listing.content.map((item) => item.name));
  for (let n = 1; n <= 1000; n++) {
    const name = n === 1 ? `${stem}${ext}` : `${stem}-${n}${ext}`;
    if (!taken.has(name)) return dir ? `${dir}/${name}` : name;
  }
  throw new Error(`No free name for ${stem}${ext} in "${dir || "/"}": ${stem}-2 … ${stem}-1000 all exist.`);
}

/**
 * The course notebooks, from nbkeras's server extension.
 * @returns {Promise<{name: string, content: object}[]>}
 */
export async function fetchCourse() {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, "nbkeras", "course");
  const response = await ServerConnection.makeRequest(url, {}, settings);
  if (!response.ok) {
    const hint =
      response.status === 404
        ? " nbkeras's server extension is not enabled: run `jupyter server extension enable nbkeras.lab` and restart."
        : "";
    throw new Error(`Could not read the course notebooks (HTTP ${response.status} from ${url}).${hint}`);
  }
  const body = await response.json();
  return body.notebooks;
}

/**
 * Copy every course notebook into a new folder in `dir`; return the folder's path.
 * @param {import("@jupyterlab/services").Contents.IManager} contents
 * @param {string} dir
 */
export async function copyCourse(contents, dir) {
  const notebooks = await fetchCourse();
  const folder = await freePath(contents, dir, COURSE_FOLDER, "");
  await contents.save(folder, { type: "directory" });
  for (const { name, content } of notebooks) {
    await contents.save(`${folder}/${name}`, { type: "notebook", format: "json", content });
  }
  return folder;
}

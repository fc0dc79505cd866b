// "nbkeras: share this notebook": save it, then ask the server extension (nbkeras/lab/handlers.py)
// for a copy cleaned exactly as `nbkeras share` cleans one (widget views and state out, pictures
// kept), written beside it as NAME.shared.ipynb (or NAME.shared-2.ipynb, …: never over a file).
import { URLExt } from "@jupyterlab/coreutils";
import { ServerConnection } from "@jupyterlab/services";

/**
 * @param {import("@jupyterlab/notebook").NotebookPanel} panel
 * @param {import("@jupyterlab/services").Contents.IManager} contents
 * @returns {Promise<{path: string, widget_views: number, kept: number, widget_state: boolean}>}
 */
export async function shareNotebook(panel, contents) {
  await panel.context.ready;
  await panel.context.save(); // the copy is of what the user sees, outputs included
  const path = contents.localPath(panel.context.path);
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, "nbkeras", "share");
  const response = await ServerConnection.makeRequest(
    url,
    { method: "POST", body: JSON.stringify({ path }) },
    settings,
  );
  if (!response.ok) {
    let reason = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body && typeof body.message === "string") reason = body.message;
    } catch {
      /* no JSON body */
    }
    if (response.status === 404 && !reason.includes("notebook")) {
      reason += " (is the nbkeras server extension enabled? `jupyter server extension list`)";
    }
    throw new Error(`The server could not share ${path}: ${reason}`);
  }
  return response.json();
}

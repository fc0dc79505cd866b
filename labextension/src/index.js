// nbkeras in JupyterLab's (and Notebook 7's) own places: a launcher section (the course, and
// new notebooks with the explorer, the builder or a training template), palette commands
// that insert a cell, and an "nbkeras" menu. Nothing here renders text from a kernel.
import { ICommandPalette, showErrorMessage } from "@jupyterlab/apputils";
import { IDefaultFileBrowser } from "@jupyterlab/filebrowser";
import { ILauncher } from "@jupyterlab/launcher";
import { IMainMenu } from "@jupyterlab/mainmenu";
import { INotebookTracker } from "@jupyterlab/notebook";
import { Menu } from "@lumino/widgets";

import { insertBelow, newNotebook, snippets } from "./cells.js";
import { copyCourse, TOUR } from "./course.js";
import { nbkerasIcon, snippetIcons } from "./icon.js";

const CATEGORY = "nbkeras";
const PALETTE = "nbkeras";

/** Command ids (the browser tests call them by these names). */
export const CommandIDs = {
  course: "nbkeras:open-course",
  newNotebook: (kind) => `nbkeras:new-${kind}`,
  insert: (kind) => `nbkeras:insert-${kind}`,
};

/** What the palette and the menu call each insert command. */
const INSERT_LABELS = {
  explorer: "nbkeras: insert activation explorer",
  builder: "nbkeras: insert model builder",
  training: "nbkeras: insert training cell",
};

/**
 * Run `action`; on failure show the reason in a dialog (and log it) instead of failing silently.
 * @param {string} title
 * @param {() => Promise<unknown>} action
 */
async function reporting(title, action) {
  try {
    return await action();
  } catch (error) {
    console.error(`nbkeras: ${title}:`, error);
    void showErrorMessage(title, error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/**
 * The folder a launcher card or command works in: the launcher's, else the file browser's.
 * @param {{cwd?: string}} args
 * @param {{model: {path: string}} | null} browser
 */
function workingFolder(args, browser) {
  if (typeof args.cwd === "string") return args.cwd;
  return browser ? browser.model.path : "";
}

/** @type {import("@jupyterlab/application").JupyterFrontEndPlugin<void>} */
const plugin = {
  id: "nbkeras:plugin",
  description: "nbkeras's launcher cards, commands and menu.",
  autoStart: true,
  optional: [ILauncher, ICommandPalette, IMainMenu, INotebookTracker, IDefaultFileBrowser],
  activate: (app, launcher, palette, mainMenu, tracker, browser) => {
    const { commands, serviceManager } = app;
    const open = (path) => commands.execute("docmanager:open", { path, factory: "Notebook" });

    commands.addCommand(CommandIDs.course, {
      label: (args) => (args.isLauncher ? "Course" : "nbkeras: copy the course and open the tour"),
      caption: "Copy the nbkeras course notebooks into a new folder (nothing is overwritten) and open the tour",
      icon: nbkerasIcon,
      execute: (args) =>
        reporting("Could not copy the nbkeras course", async () => {
          const folder = await copyCourse(serviceManager.contents, workingFolder(args, browser));
          return open(`${folder}/${TOUR}`);
        }),
    });

    for (const [kind, snippet] of Object.entries(snippets)) {
      commands.addCommand(CommandIDs.newNotebook(kind), {
        label: (args) => (args.isLauncher ? snippet.label : `New notebook: ${snippet.label}`),
        caption: snippet.caption,
        icon: snippetIcons[kind],
        execute: (args) =>
          reporting(`Could not create the ${snippet.label} notebook`, async () =>
            open(await newNotebook(serviceManager, workingFolder(args, browser), snippet)),
          ),
      });
      commands.addCommand(CommandIDs.insert(kind), {
        label: INSERT_LABELS[kind],
        caption: `Insert a code cell with the ${snippet.label.toLowerCase()} below the active cell`,
        icon: snippetIcons[kind],
        isEnabled: () => Boolean(tracker && tracker.currentWidget),
        execute: () => {
          const panel = tracker && tracker.currentWidget;
          if (panel) insertBelow(panel, snippet.code);
        },
      });
    }

    if (launcher) {
      launcher.add({ command: CommandIDs.course, args: { isLauncher: true }, category: CATEGORY, rank: 0 });
      Object.keys(snippets).forEach((kind, i) =>
        launcher.add({ command: CommandIDs.newNotebook(kind), args: { isLauncher: true }, category: CATEGORY, rank: i + 1 }),
      );
    }

    const inserts = Object.keys(snippets).map((kind) => CommandIDs.insert(kind));
    if (palette) {
      palette.addItem({ command: CommandIDs.course, category: PALETTE });
      for (const command of inserts) palette.addItem({ command, category: PALETTE });
    }

    if (mainMenu) {
      const menu = new Menu({ commands });
      menu.id = "nbkeras-menu";
      menu.title.label = "nbkeras";
      for (const command of inserts) menu.addItem({ command });
      menu.addItem({ type: "separator" });
      menu.addItem({ command: CommandIDs.course });
      mainMenu.addMenu(menu, true, { rank: 1000 });
    }
  },
};

export default plugin;

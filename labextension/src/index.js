// nbkeras in JupyterLab's (and Notebook 7's) own places: a launcher section (the course, and
// new notebooks with the explorer, the builder or a training template), palette commands
// that insert a cell, an "nbkeras" menu, the training runs sidebar (right area) and its status
// bar item, "stop all runs" and "share this notebook". Nothing here renders text from a kernel
// as HTML.
import { ICommandPalette, Notification, showErrorMessage } from "@jupyterlab/apputils";
import { IConsoleTracker } from "@jupyterlab/console";
import { IDefaultFileBrowser } from "@jupyterlab/filebrowser";
import { ILauncher } from "@jupyterlab/launcher";
import { IMainMenu } from "@jupyterlab/mainmenu";
import { INotebookTracker } from "@jupyterlab/notebook";
import { IStatusBar } from "@jupyterlab/statusbar";
import { Menu } from "@lumino/widgets";

import { insertBelow, newNotebook, snippets } from "./cells.js";
import { copyCourse, TOUR } from "./course.js";
import { nbkerasIcon, snippetIcons } from "./icon.js";
import { RunsHub } from "./runs/connection.js";
import { RunsSidebar } from "./runs/sidebar.js";
import { RunsStatus } from "./runs/status.js";
import { shareNotebook } from "./share.js";

const CATEGORY = "nbkeras";
const PALETTE = "nbkeras";

/** Command ids (the browser tests call them by these names). */
export const CommandIDs = {
  course: "nbkeras:open-course",
  newNotebook: (kind) => `nbkeras:new-${kind}`,
  insert: (kind) => `nbkeras:insert-${kind}`,
  showRuns: "nbkeras:show-runs",
  stopAll: "nbkeras:stop-all-runs",
  share: "nbkeras:share-notebook",
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

/**
 * Activate the notebook on `kernelId` holding the cell `cellId` and scroll to that cell.
 * @returns {Promise<boolean>} whether the cell was found
 */
async function goToCell(app, tracker, kernelId, cellId) {
  if (!tracker) return false;
  let found = null;
  tracker.forEach((panel) => {
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (found || !kernel || kernel.id !== kernelId) return;
    const index = panel.content.widgets.findIndex((cell) => cell.model.id === cellId);
    if (index >= 0) found = { panel, index };
  });
  if (!found) return false;
  const { panel, index } = found;
  app.shell.activateById(panel.id);
  panel.content.activeCellIndex = index;
  const cell = panel.content.widgets[index];
  if (typeof panel.content.scrollToCell === "function") await panel.content.scrollToCell(cell);
  else cell.node.scrollIntoView({ block: "center" });
  return true;
}

/** @type {import("@jupyterlab/application").JupyterFrontEndPlugin<void>} */
const plugin = {
  id: "nbkeras:plugin",
  description: "nbkeras's launcher cards, commands and menu.",
  autoStart: true,
  optional: [
    ILauncher,
    ICommandPalette,
    IMainMenu,
    INotebookTracker,
    IDefaultFileBrowser,
    IConsoleTracker,
    IStatusBar,
  ],
  activate: (app, launcher, palette, mainMenu, tracker, browser, consoles, statusBar) => {
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

    // -- training runs: the sidebar, the status item, stop all, share ----------------------
    const hub = new RunsHub();
    for (const source of [tracker, consoles]) {
      if (!source) continue;
      source.forEach((widget) => hub.watch(widget.sessionContext));
      source.widgetAdded.connect((_, widget) => hub.watch(widget.sessionContext));
    }
    const report = (title, error) => {
      console.warn(`nbkeras: ${title}:`, error);
      void showErrorMessage(title, error instanceof Error ? error.message : String(error));
    };
    const sidebar = new RunsSidebar(hub, { goToCell: (k, c) => goToCell(app, tracker, k, c), report });
    sidebar.title.icon = nbkerasIcon;
    app.shell.add(sidebar, "right", { rank: 700 });
    const showRuns = () => app.shell.activateById(sidebar.id);

    commands.addCommand(CommandIDs.showRuns, {
      label: "nbkeras: show training runs",
      caption: "Show the training runs of the kernels behind open notebooks and consoles",
      icon: nbkerasIcon,
      execute: showRuns,
    });
    commands.addCommand(CommandIDs.stopAll, {
      label: "nbkeras: stop all runs",
      caption: "Stop every training run that can hear it (each ends after its current step, history kept)",
      isEnabled: () => hub.runs().some((e) => e.run.stoppable),
      execute: () =>
        reporting("Could not stop the runs", async () => {
          const asked = await hub.stopAll();
          const text = asked === 1 ? "1 run stops after its current step" : `${asked} runs stop after their current step`;
          Notification.info(`nbkeras: ${text}.`, { autoClose: 4000 });
          return asked;
        }),
    });
    hub.changed.connect(() => commands.notifyCommandChanged(CommandIDs.stopAll));
    commands.addCommand(CommandIDs.share, {
      label: "nbkeras: share this notebook",
      caption:
        "Save a copy beside this notebook (NAME.shared.ipynb, never over a file) cleaned as `nbkeras share` cleans it: " +
        "widget views out, pictures kept",
      isEnabled: () => Boolean(tracker && tracker.currentWidget),
      execute: () =>
        reporting("Could not share the notebook", async () => {
          const panel = tracker && tracker.currentWidget;
          if (!panel) throw new Error("No notebook is active.");
          const shared = await shareNotebook(panel, serviceManager.contents);
          Notification.success(`nbkeras: shared copy saved as ${shared.path}`, {
            autoClose: 6000,
            actions: [{ label: "Open", callback: () => void open(shared.path) }],
          });
          return shared;
        }),
    });

    if (statusBar) {
      const status = new RunsStatus(hub, showRuns);
      statusBar.registerStatusItem("nbkeras:runs", {
        item: status,
        align: "left",
        rank: 5,
        isActive: () => status.active,
        activeStateChanged: hub.changed,
      });
    }

    const inserts = Object.keys(snippets).map((kind) => CommandIDs.insert(kind));
    const runCommands = [CommandIDs.showRuns, CommandIDs.stopAll, CommandIDs.share];
    if (palette) {
      palette.addItem({ command: CommandIDs.course, category: PALETTE });
      for (const command of [...inserts, ...runCommands]) palette.addItem({ command, category: PALETTE });
    }

    if (mainMenu) {
      const menu = new Menu({ commands });
      menu.id = "nbkeras-menu";
      menu.title.label = "nbkeras";
      for (const command of inserts) menu.addItem({ command });
      menu.addItem({ type: "separator" });
      menu.addItem({ command: CommandIDs.course });
      menu.addItem({ type: "separator" });
      for (const command of runCommands) menu.addItem({ command });
      mainMenu.addMenu(menu, true, { rank: 1000 });
    }
  },
};

export default plugin;

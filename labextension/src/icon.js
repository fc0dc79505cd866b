// Icons for the launcher, palette and menu, drawn in Lab's own colours (`jp-icon3` follows the
// light and dark themes). Static SVG, no data from a kernel.
import { LabIcon } from "@jupyterlab/ui-components";

const icon = (name, body) =>
  new LabIcon({
    name: `nbkeras:${name}`,
    svgstr: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161" stroke="#616161" stroke-width="1">${body}</g></svg>`,
  });

/** nbkeras itself (the section, the course): a small three-layer network. */
export const nbkerasIcon = icon(
  "network",
  `<line x1="5" y1="6" x2="12" y2="12"/><line x1="5" y1="18" x2="12" y2="12"/>
   <line x1="5" y1="6" x2="12" y2="5"/><line x1="5" y1="18" x2="12" y2="19"/>
   <line x1="12" y1="5" x2="19" y2="12"/><line x1="12" y1="12" x2="19" y2="12"/><line x1="12" y1="19" x2="19" y2="12"/>
   <circle cx="5" cy="6" r="2.2"/><circle cx="5" cy="18" r="2.2"/>
   <circle cx="12" cy="5" r="2.2"/><circle cx="12" cy="12" r="2.2"/><circle cx="12" cy="19" r="2.2"/>
   <circle cx="19" cy="12" r="2.4"/>`,
);

/** The activation explorer: a sigmoid over its axes. */
const explorerIcon = icon(
  "explorer",
  `<line x1="2" y1="20" x2="22" y2="20" stroke-width="1.2"/><line x1="12" y1="3" x2="12" y2="21" stroke-width="1.2"/>
   <path d="M2 18.5 C 9 18.5, 9 4.5, 12 4.5 S 16 4.5, 22 4.5" fill="none" stroke-width="2.2"/>`,
);

/** The model builder: a stack of layers. */
const builderIcon = icon(
  "builder",
  `<rect x="4" y="3" width="16" height="4" rx="1"/><rect x="6" y="10" width="12" height="4" rx="1"/>
   <rect x="8" y="17" width="8" height="4" rx="1"/>`,
);

/** Training: a falling loss curve. */
const trainingIcon = icon(
  "training",
  `<line x1="3" y1="21" x2="21" y2="21" stroke-width="1.2"/><line x1="3" y1="3" x2="3" y2="21" stroke-width="1.2"/>
   <path d="M4 5 C 7 14, 10 16, 21 17.5" fill="none" stroke-width="2.2"/>`,
);

/** Each snippet kind's icon (the keys of src/snippets.json). */
export const snippetIcons = { explorer: explorerIcon, builder: builderIcon, training: trainingIcon };

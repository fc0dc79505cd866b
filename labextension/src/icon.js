// The launcher's and menu's icon: a small three-layer network, drawn in Lab's own colours
// (`jp-icon3` follows the light and dark themes). Static SVG, no data from a kernel.
import { LabIcon } from "@jupyterlab/ui-components";

const svgstr = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161" stroke="#616161" stroke-width="1">
    <line x1="5" y1="6" x2="12" y2="12"/><line x1="5" y1="18" x2="12" y2="12"/>
    <line x1="5" y1="6" x2="12" y2="5"/><line x1="5" y1="18" x2="12" y2="19"/>
    <line x1="12" y1="5" x2="19" y2="12"/><line x1="12" y1="12" x2="19" y2="12"/><line x1="12" y1="19" x2="19" y2="12"/>
    <circle cx="5" cy="6" r="2.2"/><circle cx="5" cy="18" r="2.2"/>
    <circle cx="12" cy="5" r="2.2"/><circle cx="12" cy="12" r="2.2"/><circle cx="12" cy="19" r="2.2"/>
    <circle cx="19" cy="12" r="2.4"/>
  </g>
</svg>`;

export const nbkerasIcon = new LabIcon({ name: "nbkeras:icon", svgstr });

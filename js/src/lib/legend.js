// Room for a horizontal legend above the plots.
//
// Plotly wraps a horizontal legend into rows but does not grow the figure for them: with
// many traces (the explorer with 25 activations) the rows hang over the plots, and past a
// point the legend scrolls inside a box. `legendRoom` counts the rows the legend will take
// at the figure's width (the way Plotly lays them out: a 40 px symbol, the text, a 5 px gap,
// wrapping at the plot area's width; rows of legend groups 10 px further apart) and gives the
// extra rows their own room: the top margin and the height grow by the same amount, so the
// plot area keeps its size.

/** Plotly's horizontal legend: symbol and gap before the text, gap after an item. */
const SYMBOL_PX = 40;
const ITEM_GAP_PX = 5;
/** A row of 12 px text in a Plotly legend is 19 px high (measured in Chromium); one more for safety. */
const ROW_PX = 20;
/** Plotly's default gap between legend groups, which a horizontal legend adds to each row. */
const GROUP_GAP_PX = 10;
const DEFAULT_FAMILY = "\"Open Sans\", verdana, arial, sans-serif"; // Plotly's

/**
 * The names a figure's legend shows, once per legend group, in order.
 * @param {any[]} data
 * @returns {string[]}
 */
export function legendNames(data) {
  const names = [];
  const groups = new Set();
  for (const trace of data || []) {
    if (!trace || trace.showlegend === false || trace.name == null) continue;
    if (trace.legendgroup != null) {
      if (groups.has(trace.legendgroup)) continue;
      groups.add(trace.legendgroup);
    }
    names.push(String(trace.name));
  }
  return names;
}

/**
 * The rows a horizontal legend of these item widths takes in `width` pixels.
 * @param {number[]} itemWidths pixel width of each item's text
 * @param {number} width the plot area's width
 */
export function legendRows(itemWidths, width) {
  let rows = itemWidths.length ? 1 : 0;
  let x = 0;
  for (const text of itemWidths) {
    const w = SYMBOL_PX + text + ITEM_GAP_PX;
    if (x > 0 && x + w > width) {
      rows += 1;
      x = 0;
    }
    x += w;
  }
  return rows;
}

/**
 * `layout` with room for its legend's extra rows, when its legend is horizontal and above the
 * plots (`y` ≥ 1) and the figure has a fixed height; otherwise `layout` itself.
 * @param {any} layout
 * @param {any[]} data
 * @param {number} width the figure's width in pixels (0: unknown, nothing changes)
 * @param {(text: string, font: string) => number} measure pixel width of a text in a CSS font
 * @returns {any}
 */
export function legendRoom(layout, data, width, measure) {
  const legend = layout?.legend;
  if (!width || !legend || legend.orientation !== "h" || !(Number(legend.y) >= 1) || !layout.height) return layout;
  if (layout.showlegend === false) return layout;
  const margin = { l: 80, r: 80, t: 100, b: 80, ...layout.margin };
  const size = legend.font?.size ?? layout.font?.size ?? 12;
  const font = `${size}px ${legend.font?.family ?? layout.font?.family ?? DEFAULT_FAMILY}`;
  const rows = legendRows(legendNames(data).map((name) => measure(name, font)), width - margin.l - margin.r);
  if (rows <= 1) return layout;
  const grouped = (data || []).some((trace) => trace?.legendgroup != null);
  const row = (ROW_PX * size) / 12 + (grouped ? (legend.tracegroupgap ?? GROUP_GAP_PX) : 0);
  const extra = Math.ceil((rows - 1) * row);
  return { ...layout, height: layout.height + extra, margin: { ...margin, t: margin.t + extra } };
}

let canvas = null;
/** Text width by the page's canvas (what the legend's SVG text will take, to a pixel or two). */
export function measureText(text, font) {
  canvas ??= document.createElement("canvas").getContext("2d");
  canvas.font = font;
  return canvas.measureText(text).width;
}

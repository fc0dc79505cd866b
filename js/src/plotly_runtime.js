// The PlotlyRuntime model is never displayed; its state (plotly.js bytes) is read by
// other views through lib/plotly.js.
export default {};

// src/plotly_runtime.js
var plotly_runtime_default = {};
export {
  plotly_runtime_default as default
};

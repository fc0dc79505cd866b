// Merged into @jupyterlab/builder's configuration (package.json `jupyterlab.webpackConfig`).
// Webpack's default "deterministic" module ids hash the container entry's absolute path, so the
// build would differ between checkouts; numbering modules in order of use does not.
module.exports = {
  optimization: { moduleIds: "natural" },
};

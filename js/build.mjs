// Bundle each widget module in src/ (with its src/lib/ imports) into one ES module in
// nbkeras/static/, which anywidget loads as `_esm`. `--check` builds in memory and fails
// when a committed bundle differs from a fresh build (CI runs it).
import { build } from "esbuild";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, dirname, basename } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "..", "nbkeras", "static");
const entryPoints = readdirSync(join(here, "src"))
  .filter((f) => f.endsWith(".js") || f.endsWith(".css"))
  .map((f) => join(here, "src", f));
const check = process.argv.includes("--check");

const result = await build({
  entryPoints,
  outdir,
  bundle: true,
  format: "esm",
  target: "es2022",
  legalComments: "none",
  charset: "utf8",
  write: !check,
  logLevel: "warning",
});

if (check) {
  const stale = [];
  for (const file of result.outputFiles) {
    const committed = existsSync(file.path) ? readFileSync(file.path, "utf8") : null;
    if (committed !== file.text) stale.push(basename(file.path));
  }
  if (stale.length) {
    console.error(`Stale bundles in nbkeras/static: ${stale.join(", ")}. Run: cd js && npm ci && npm run build`);
    process.exit(1);
  }
  console.log(`nbkeras/static matches js/src (${result.outputFiles.length} bundles)`);
} else {
  console.log(`built ${entryPoints.length} bundles into ${outdir}`);
}

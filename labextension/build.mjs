// Build the prebuilt (federated) JupyterLab 4 / Notebook 7 extension into nbkeras/labextension/,
// which is committed, so `pip install nbkeras` needs no Node.js. `--check` rebuilds and fails
// when the committed build differs from a fresh one (CI runs it), then puts the committed
// files back as they were.
//
// Why not `jupyter labextension build`: it takes the shared packages' versions from the
// installed Python jupyterlab, so the output would change with whatever JupyterLab the
// machine has. Here every shared package is declared in package.json
// (`jupyterlab.sharedPackages`, bundled: false, the ranges nbkeras supports) and the builder
// gets an empty "core", so the same sources and lockfile give the same bytes everywhere.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "..", "nbkeras", "labextension");
const check = process.argv.includes("--check");

/** Every file under `dir`, as a map from its relative path to its bytes. */
function snapshot(dir) {
  const files = new Map();
  const walk = (d) => {
    let names;
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

function restore(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  for (const [name, bytes] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
}

const core = mkdtempSync(join(tmpdir(), "nbkeras-labext-core-"));
writeFileSync(
  join(core, "package.json"),
  JSON.stringify({ name: "nbkeras-empty-core", dependencies: {}, jupyterlab: { singletonPackages: [] } }),
);
const before = check ? snapshot(outdir) : null;
const builder = join(here, "node_modules", "@jupyterlab", "builder", "lib", "build-labextension.js");
const result = spawnSync(process.execPath, [builder, "--core-path", core, here], {
  cwd: here,
  encoding: "utf8",
  env: { ...process.env, FORCE_COLOR: "0" },
});
rmSync(core, { recursive: true, force: true });
if (result.status !== 0) {
  process.stderr.write(result.stdout + result.stderr);
  if (before) restore(outdir, before);
  console.error(`The lab extension build failed (exit ${result.status}).`);
  process.exit(1);
}

if (check) {
  const after = snapshot(outdir);
  const stale = [...new Set([...before.keys(), ...after.keys()])]
    .filter((name) => !before.has(name) || !after.has(name) || !before.get(name).equals(after.get(name)))
    .sort();
  restore(outdir, before);
  if (stale.length) {
    console.error(
      `The committed lab extension in nbkeras/labextension differs from its sources: ${stale.join(", ")}.\n` +
        "Run: cd labextension && npm ci && npm run build",
    );
    process.exit(1);
  }
  console.log(`nbkeras/labextension matches labextension/ (${after.size} files)`);
} else {
  console.log(`built the lab extension into ${relative(process.cwd(), outdir) || outdir}`);
}

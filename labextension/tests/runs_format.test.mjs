// What the runs sidebar and status item read from a run's numbers (labextension/src/runs/format.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { fractionDone, lossText, progressText, sparkPaths, statusRun } from "../src/runs/format.js";

const run = (over) => ({ state: "running", epoch: 12, epochs: 40, step: 340, steps: 30, loss: 0.31, ...over });

test("progress reads epoch n/N · step s, and what is known of it", () => {
  assert.equal(progressText(run({})), "epoch 12/40 · step 340");
  assert.equal(progressText(run({ epochs: null })), "epoch 12 · step 340");
  assert.equal(progressText(run({ state: "starting", epoch: 0, step: 0 })), "");
});

test("losses keep 4 significant digits; tiny and huge ones go exponential; none is a dash", () => {
  assert.equal(lossText(0.312345), "0.3123");
  assert.equal(lossText(2), "2");
  assert.equal(lossText(0.00001234), "1.23e-5");
  assert.equal(lossText(123456), "1.23e+5");
  assert.equal(lossText(null), "–");
});

test("the part done counts steps over all epochs, else finished epochs", () => {
  assert.equal(fractionDone(run({ step: 600, steps: 30, epochs: 40 })), 0.5);
  assert.equal(fractionDone(run({ steps: null })), 11 / 40);
  assert.equal(fractionDone(run({ steps: null, epochs: null })), null);
  assert.equal(fractionDone(run({ step: 5000 })), 1);
});

test("a sparkline spans the box, lowest value at the bottom, and breaks at gaps", () => {
  assert.deepEqual(sparkPaths([1, 0], 10, 10, 0), ["0.0,0.0 10.0,10.0"]);
  assert.deepEqual(sparkPaths([3, 2, null, 1, 0], 8, 6, 0), ["0.0,0.0 2.0,2.0", "6.0,4.0 8.0,6.0"]);
  assert.deepEqual(sparkPaths([1], 10, 10), []);
  assert.deepEqual(sparkPaths([2, 2, 2], 4, 4, 0), ["0.0,4.0 2.0,4.0 4.0,4.0"]);
});

test("the status bar shows the newest training run and counts the others", () => {
  const entries = [{ run: run({ state: "running" }) }, { run: run({ state: "finished" }) }, { run: run({ state: "starting" }) }];
  assert.deepEqual(statusRun(entries), { entry: entries[0], others: 1 });
  assert.equal(statusRun([{ run: run({ state: "stopped" }) }]), null);
});

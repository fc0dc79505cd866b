// Unit tests of the builder view's pure parts (js/src/builder/text.js, state.js), run by
// `node --test js/tests/` (tests/test_js_units.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { count, fieldText, parseIntTuple, parseShape, shapeText } from "../src/builder/text.js";
import { viewState } from "../src/builder/state.js";

test("a typed window is a number, a list where a list is expected, or sent as typed", () => {
  assert.equal(parseIntTuple("3", false), 3);
  assert.deepEqual(parseIntTuple("3", true), [3]);
  assert.deepEqual(parseIntTuple("(3, 3)", false), [3, 3]);
  assert.deepEqual(parseIntTuple("3, x", false), [3, "x"]); // the kernel's message names "x"
  assert.equal(parseIntTuple("  ", false), null);
});

test("an input shape reads None, null and ? as a varying length", () => {
  assert.deepEqual(parseShape("28, 28, 1"), [28, 28, 1]);
  assert.deepEqual(parseShape("None, 8"), [null, 8]);
  assert.deepEqual(parseShape("(?, null, 4)"), [null, null, 4]);
  assert.equal(shapeText([null, 6, 6, 16]), "(None, 6, 6, 16)");
  assert.equal(shapeText(null), "");
});

test("fields and counts show nothing for None", () => {
  assert.equal(fieldText(null), "");
  assert.equal(fieldText([3, 3]), "3, 3");
  assert.equal(fieldText(0), "0");
  assert.equal(count(1450), "1,450");
  assert.equal(count(null), "");
});

test("open forms stay with their layers when layers are added, removed and moved", () => {
  const { ui, structure } = viewState();
  ui.open = new Set([2, 4]);
  ui.more = new Set(["2:", "4:layer."]);
  structure.add(3); // a layer inserted above position 3
  assert.deepEqual([...ui.open], [2, 5]);
  assert.deepEqual([...ui.more], ["2:", "5:layer."]);
  structure.remove(2);
  assert.deepEqual([...ui.open], [4]);
  assert.deepEqual([...ui.more], ["4:layer."]);
  structure.move(4, 1);
  assert.deepEqual([...ui.open], [1]);
  structure.move(1, 3); // 1 -> 3: the layers at 2 and 3 move up
  assert.deepEqual([...ui.open], [3]);
});

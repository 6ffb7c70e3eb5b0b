import { test } from "node:test";
import assert from "node:assert/strict";
import { summarize, median, quantile, mean, stdev } from "../../src/index.js";

test("median of an odd count is the middle sample", () => {
  assert.equal(median([3, 1, 2]), 2);
});

test("median of an even count is the mean of the two middle samples", () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test("quantile interpolates linearly between ranks like numpy", () => {
  assert.equal(quantile([1, 2, 3, 4, 5], 0.25), 2);
  assert.equal(quantile([10, 20], 0.9), 19);
  assert.equal(quantile([7], 0.99), 7);
});

test("stdev uses n − 1 and is 0 for one sample", () => {
  assert.equal(stdev([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
  assert.equal(stdev([5]), 0);
});

test("summarize gives count, min, median, max, mean and stdev of fixed samples", () => {
  assert.deepEqual(summarize([12, 10, 11, 30, 10]), {
    count: 5, min: 10, median: 11, max: 30, mean: 14.6, stdev: Math.sqrt(((12 - 14.6) ** 2 + 2 * (10 - 14.6) ** 2 + (11 - 14.6) ** 2 + (30 - 14.6) ** 2) / 4),
  });
});

test("summarize does not reorder its input", () => {
  const samples = [3, 1, 2];
  summarize(samples);
  assert.deepEqual(samples, [3, 1, 2]);
});

test("statistics reject an empty array with a message that says what was expected", () => {
  assert.throws(() => mean([]), /Expected samples to hold at least one number, got an empty array/);
});

test("statistics reject a value that is not a finite number and say where it is", () => {
  assert.throws(() => summarize([1, Number.NaN]), /Expected samples to hold finite numbers, got number NaN at index 1/);
});

test("quantile rejects q outside 0..1", () => {
  assert.throws(() => quantile([1], 1.5), /Expected q to be a number from 0 to 1, got number 1.5/);
});

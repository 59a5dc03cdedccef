import assert from 'node:assert/strict';
import { calibrated, fitPlatt, fitSlopeWithOffset } from '../../src/training/calibration.ts';
import { describe, it } from '../helpers/suite.ts';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );

describe('Platt calibration', () => {
  it('a score that says nothing: the intercept is the log odds of the base rate', () => {
    // Every score 0, 3 of 4 up: σ(b) = 0.75, so b = ln 3; the ridge keeps a at 0.
    const fit = fitPlatt([0, 0, 0, 0], [1, 1, 1, 0]);
    close(fit.a, 0, 1e-9, 'a');
    close(fit.b, Math.log(3), 1e-6, 'b');
    close(calibrated(fit, 0), 0.75, 1e-6, 'P at score 0');
  });

  it('two score levels: the saturated fit, a = ln 3 and b = 0 (hand-worked)', () => {
    // At score −1 one of four rose (σ(−a + b) = 1/4), at +1 three of four (σ(a + b) = 3/4):
    // b = 0, a = ln 3 ≈ 1.0986. The ridge 1e-3·a shifts a by about 1e-3 · a / Σ p(1−p)s²
    // = 1e-3 · 1.0986 / 1.5 ≈ 7e-4 toward 0.
    const fit = fitPlatt([-1, -1, -1, -1, 1, 1, 1, 1], [1, 0, 0, 0, 1, 1, 1, 0]);
    close(fit.a, Math.log(3) - 7.3e-4, 2e-4, 'a');
    close(fit.b, 0, 1e-9, 'b');
    close(calibrated(fit, 1), 0.75, 2e-4, 'P at +1');
    close(calibrated(fit, -1), 0.25, 2e-4, 'P at −1');
  });

  it('scores on any scale give the same probabilities (the fit rescales and undoes it)', () => {
    const ups = [1, 0, 0, 0, 1, 1, 1, 0];
    const small = fitPlatt([-1, -1, -1, -1, 1, 1, 1, 1], ups);
    const large = fitPlatt([-1000, -1000, -1000, -1000, 1000, 1000, 1000, 1000], ups);
    close(large.a * 1000, small.a, 1e-6, 'a × scale');
    close(calibrated(large, 1000), calibrated(small, 1), 1e-9, 'P');
  });
});

describe('slope with a fixed offset', () => {
  it('recovers the slope that lifts a base rate to the realised rate (hand-worked)', () => {
    // Offset ln(1/3) (P = 1/4) on every row, x = 1, half of them rose: σ(−ln 3 + a) = 1/2,
    // so a = ln 3; the ridge shifts it by about 1e-3 · a / Σ p(1−p) = 1e-3 · 1.0986 / 1.
    const a = fitSlopeWithOffset([1, 1, 1, 1], [1, 1, 0, 0], Array(4).fill(-Math.log(3)));
    close(a, Math.log(3) - 1.1e-3, 2e-4, 'a');
  });

  it('is 0 when the offset already says everything', () => {
    // Offset ln 3 (P = 3/4) and 3 of 4 rose at x = +1 and at x = −1: the score adds nothing.
    const a = fitSlopeWithOffset(
      [1, 1, 1, 1, -1, -1, -1, -1],
      [1, 1, 1, 0, 1, 1, 1, 0],
      Array(8).fill(Math.log(3)),
    );
    close(a, 0, 1e-12, 'a');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chiSquareCdf, chiSquareQuantile } from './chi-square.ts';

describe('chi-square', () => {
  it('matches closed forms and scipy.stats.chi2 quantiles', () => {
    // χ²₂ is exponential with mean 2: CDF 1 − e^(−x/2), median 2 ln 2.
    assert.ok(Math.abs(chiSquareCdf(3, 2) - (1 - Math.exp(-1.5))) < 1e-14);
    assert.ok(Math.abs(chiSquareQuantile(0.5, 2) - 2 * Math.LN2) < 1e-12);
    // scipy.stats.chi2.ppf values
    assert.ok(Math.abs(chiSquareQuantile(0.5, 1) - 0.454936423119572) < 1e-12);
    assert.ok(Math.abs(chiSquareQuantile(0.975, 1) - 5.023886187314888) < 1e-10);
    assert.ok(Math.abs(chiSquareQuantile(0.975, 10) - 20.483177350807388) < 1e-9);
  });
});

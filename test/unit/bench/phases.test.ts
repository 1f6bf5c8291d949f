// The benchmark's "phases" arithmetic: which marks each row subtracts (scripts/bench/phases.ts).
import { describe, expect, it } from 'vitest';
import { phaseRows, type PhaseRuns } from '../../../scripts/bench/phases.ts';

/** Two rounds; every value differs, so a row that takes the wrong mark or pairs the wrong copy shows. */
const runs: PhaseRuns = {
  empty: [{ modules: 70, end: 71 }, { modules: 80, end: 81 }],
  timed: [
    { modules: 78, settings: 78.5, facts: 81.5, decide: 82.25, end: 82.75 },
    { modules: 90, settings: 90.25, facts: 94.25, decide: 95.25, end: 96 },
  ],
  'as built': [{ end: 84 }, { end: 93 }],
};

describe('phaseRows', () => {
  const rows = Object.fromEntries(phaseRows(runs).map((r) => [r.phase.split(' ')[0] + (r.phase.includes('own') ? ' own' : ''), r.summary]));

  it('times loading against the empty copy of the same round, and each step from the mark before it', () => {
    expect(rows['loading']).toMatchObject({ n: 2, median: 9, min: 8, max: 10 });
    expect(rows['settings']).toMatchObject({ min: 0.25, max: 0.5 });
    expect(rows['facts']).toMatchObject({ min: 3, max: 4 });
    expect(rows['the']).toMatchObject({ min: 0.75, max: 1 });
    expect(rows['carrying']).toMatchObject({ min: 0.5, max: 0.75 });
  });

  it("gives both totals from the empty copy's start of a bundle to where k6 would begin", () => {
    expect(rows['total:']).toMatchObject({ min: 12.75, max: 16 });
    expect(rows['total: own']).toMatchObject({ min: 13, max: 14 });
  });

  it('leaves a missing mark as no number rather than a made-up one', () => {
    const partial: PhaseRuns = { ...runs, timed: [{ modules: 78 }, { modules: 90 }] };
    const facts = phaseRows(partial).find((r) => r.phase.startsWith('facts'))!;
    expect(facts.summary.median).toBeNaN();
  });
});

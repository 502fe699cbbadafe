// npm test's closing line: a run where the Electron launch test skipped must say so in that line,
// not only somewhere above it. The report below is a real Playwright JSON report of that skip.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  closingLine,
  electronSkipReason,
  playwrightTotals,
  type PlaywrightReport,
} from '../../../scripts/lib/test-summary.ts';

const skippedRun = JSON.parse(
  readFileSync(new URL('../../fixtures/playwright/electron-skipped.json', import.meta.url), 'utf8'),
) as PlaywrightReport;

/** The same report as if Electron had been installed and the test had passed. */
function ranRun(): PlaywrightReport {
  const report = structuredClone(skippedRun);
  const test = report.suites![0]!.specs![0]!.tests[0]!;
  test.status = 'expected';
  test.annotations = [];
  report.stats = { ...report.stats, expected: 1, skipped: 0 };
  return report;
}

describe("npm test's closing line", () => {
  it('says loudly that the Electron launch test was skipped, and why', () => {
    const reason = electronSkipReason(skippedRun);
    expect(reason).toMatch(/^Electron's binary is not installed/);
    const line = closingLine({ passed: 313, failed: 0, skipped: 1 }, reason);
    expect(line).toMatch(
      /^tests: 313 passed, 0 failed, 1 skipped — ELECTRON LAUNCH TEST SKIPPED, the desktop app was NOT tested: Electron's binary is not installed/,
    );
    expect(playwrightTotals(skippedRun)).toEqual({ passed: 0, failed: 0, skipped: 1 });
  });

  it('says nothing more when it ran, or when a Chromium test skipped', () => {
    expect(electronSkipReason(ranRun())).toBeUndefined();
    const chromiumSkip = structuredClone(skippedRun);
    chromiumSkip.suites![0]!.specs![0]!.tests[0]!.projectName = 'chromium';
    expect(electronSkipReason(chromiumSkip)).toBeUndefined();
    expect(electronSkipReason(undefined)).toBeUndefined();
    expect(closingLine({ passed: 314, failed: 0, skipped: 0 }, undefined)).toBe(
      'tests: 314 passed, 0 failed, 0 skipped',
    );
  });

  it('names a skipped Electron test without a reason by its title', () => {
    const bare = structuredClone(skippedRun);
    bare.suites![0]!.specs![0]!.tests[0]!.annotations = [];
    expect(electronSkipReason(bare)).toBe(
      '"the desktop app launches and shows the Dashboard" was skipped',
    );
  });
});

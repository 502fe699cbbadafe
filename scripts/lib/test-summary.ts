// The closing line of `npm test`: totals of vitest and Playwright, and, loudly, whether the
// Electron launch test was skipped (where Electron's binary is absent it skips, and a green run
// then says nothing about the desktop app).
import { existsSync, readFileSync } from 'node:fs';

export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

export function vitestTotals(file: string): Totals | undefined {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

/**
 * The slowest test files of a vitest report, slowest first, as `seconds  path` lines: printed
 * after every run so the suite's time (kept under about 15 minutes on two cores) has its culprits
 * in plain sight.
 */
export function slowestVitestFiles(file: string, count: number, root: string): string[] {
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    testResults: { name: string; startTime: number; endTime: number }[];
  };
  return report.testResults
    .map((result) => ({
      seconds: (result.endTime - result.startTime) / 1000,
      path: result.name.startsWith(root) ? result.name.slice(root.length) : result.name,
    }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, count)
    .map(({ seconds, path }) => `${seconds.toFixed(1).padStart(7)} s  ${path}`);
}

/** The parts of Playwright's JSON report read here. */
export interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  suites?: PlaywrightSuite[];
}

interface PlaywrightSuite {
  suites?: PlaywrightSuite[];
  specs?: {
    title: string;
    tests: {
      projectName: string;
      status: string;
      annotations?: { type: string; description?: string }[];
    }[];
  }[];
}

export function readPlaywrightReport(file: string): PlaywrightReport | undefined {
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as PlaywrightReport)
    : undefined;
}

export function playwrightTotals(report: PlaywrightReport | undefined): Totals | undefined {
  if (!report) return undefined;
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected,
    skipped: report.stats.skipped,
  };
}

/** Why the Electron project's tests were skipped, if any was; undefined when all ran. */
export function electronSkipReason(report: PlaywrightReport | undefined): string | undefined {
  const reasons: string[] = [];
  const visit = (suite: PlaywrightSuite): void => {
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests)
        if (test.projectName === 'electron' && test.status === 'skipped')
          reasons.push(
            test.annotations?.find((annotation) => annotation.type === 'skip')?.description ??
              `"${spec.title}" was skipped`,
          );
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of report?.suites ?? []) visit(suite);
  return reasons.length > 0 ? [...new Set(reasons)].join('; ') : undefined;
}

export function closingLine(totals: Totals, electronSkipped: string | undefined): string {
  const line = `tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
  return electronSkipped === undefined
    ? line
    : `${line} — ELECTRON LAUNCH TEST SKIPPED, the desktop app was NOT tested: ${electronSkipped}`;
}

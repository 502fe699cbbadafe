// Schedules in the workspace file: read with the contract's checks (exactly one of cron and
// everySeconds, a known time zone, no Safe), typos and duplicate ids reported at their line, and
// written back so they read again the same.
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { parseWorkspace, serializeWorkspace } from '../../../src-main/core/workspace/index.ts';

const options = {
  fileName: 'ops.yaml',
  readFile: () => {
    throw new Error('no files');
  },
};

const schedulesFile = `version: 1
schedules:
  - name: Harvest
    cron: 0 */6 * * *
    timezone: Europe/Paris
    propose:
      chainId: 31337
      from: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
      to: '0x5FbDB2315678afecb367f032d93F642f64180aa3'
      function: { name: harvest, args: [] }
    execute: { policy: keeper }
  - id: top-up
    name: Top up the relayer
    everySeconds: 3600
    catchUpSeconds: 0
    propose:
      chainId: 31337
      from: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
      to: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
      value: '1000000000000000000'
`;

const signer = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

function problemsOf(text: string): { field: string; line: number; message: string }[] {
  try {
    parseWorkspace(text, options);
  } catch (error) {
    if (error instanceof VigilError) return error.details!['problems'] as never;
    throw error;
  }
  throw new Error('parsed without problems');
}

describe('schedules in the workspace file', () => {
  it('reads schedules with their defaults', () => {
    const { schedules } = parseWorkspace(schedulesFile, options);
    expect(schedules).toEqual([
      {
        name: 'Harvest',
        cron: '0 */6 * * *',
        timezone: 'Europe/Paris',
        propose: {
          chainId: 31337,
          from: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
          to: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
          function: { name: 'harvest', args: [] },
        },
        execute: { policy: 'keeper' },
        catchUpSeconds: 3600,
        enabled: true,
      },
      expect.objectContaining({
        id: 'top-up',
        everySeconds: 3600,
        timezone: 'UTC',
        catchUpSeconds: 0,
      }),
    ]);
  });

  it('reports both cron and everySeconds, neither, a typo key and a repeated id at their lines', () => {
    const propose = `propose: { chainId: 1, from: '${signer}', to: '${signer}' }`;
    const text = `version: 1
schedules:
  - name: Harvest
    everySeconds: 5
    ${propose}
  - name: Both
    cron: '* * * * *'
    everySeconds: 5
    ${propose}
  - name: Typo
    everySecond: 5
    ${propose}
  - name: Neither
    ${propose}
  - name: Harvest
    everySeconds: 5
    ${propose}
`;
    expect(problemsOf(text)).toEqual([
      {
        field: 'schedules[1].everySeconds',
        line: 8,
        column: 19,
        message: 'give exactly one of cron and everySeconds',
      },
      {
        field: 'schedules[2].everySecond',
        line: 11,
        column: 5,
        message: 'unknown key "everySecond"; did you mean "everySeconds"?',
      },
      {
        field: 'schedules[3].cron',
        line: 13,
        column: 5,
        message: 'give exactly one of cron and everySeconds',
      },
      {
        field: 'schedules[4].name',
        line: 15,
        column: 11,
        message:
          'the schedule id harvest is already used by schedules[0] (line 3); give one of them an id of its own',
      },
    ]);
  });

  it('writes schedules back so they read again the same', () => {
    const { schedules } = parseWorkspace(schedulesFile, options);
    const exported = schedules.map((schedule, index) => ({ id: `s-${index}`, ...schedule }));
    const text = serializeWorkspace({ chains: [], contracts: [], schedules: exported });
    expect(text).toContain(
      '# Vigil workspace: chains, the contracts watched on them, alert rules, automation policies and schedules (both imported disabled).',
    );
    expect(parseWorkspace(text, options).schedules).toEqual(exported);
  });
});

/** The chaos report: verdict, per-fault recovery, Markdown and the SVG timeline. */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { InjectedFault } from '../../../scripts/chaos/faults';
import type { OpRecord } from '../../../scripts/chaos/load';
import {
  buildReport,
  toMarkdown,
  toSvg,
  writeReport,
  type ReportInput,
} from '../../../scripts/chaos/report';
import type { Verification } from '../../../scripts/chaos/verify';

/**
 * 10 commits a second for 30 s, except that operations started from 12 s to 17 s all settle at
 * 17 s: five windows without a commit after a fault at 10 s.
 */
function ops(): OpRecord[] {
  const out: OpRecord[] = [];
  let id = 0;
  for (let ms = 0; ms < 30_000; ms += 100) {
    const end = ms >= 12_000 && ms < 17_000 ? 17_000 + (ms % 1000) : ms + 50;
    out.push({
      id,
      key: `chaos-r-${String(id)}`,
      startMs: ms,
      endMs: end,
      outcome: {
        kind: 'committed',
        transactionId: `t${String(id)}`,
        blockNumber: 1,
        submitAttempts: 1,
      },
    });
    id++;
  }
  return out;
}

const clean: Verification = {
  operations: 300,
  committed: 298,
  failedByCode: { 'ConnectionError:UNAVAILABLE': 1 },
  failed: 1,
  lost: [],
  duplicated: [],
  phantom: [],
  misreported: [],
  unknown: [
    { op: 5, transactionId: 't5', message: 'cannot tell', ledger: 'committed', blockNumber: 4 },
  ],
  invalidOnLedger: { DUPLICATE_TXID: 2 },
  strayWrites: [],
  undecodable: [],
};

const fault: InjectedFault = {
  kind: 'orderer-leader-kill',
  holdS: 5,
  targets: ['orderer1'],
  injectedAtS: 10,
  repairedAtS: 15.5,
  leaderBefore: 'orderer1',
  newLeader: { name: 'orderer3', atS: 14 },
};

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    runId: 'r',
    startedAt: '2026-12-02T05:00:00.000Z',
    durationMs: 30_000,
    loadEndMs: 30_000,
    verifyMs: 4_000,
    settings: { profile: 'ci', rate: 10 },
    ops: ops(),
    verification: clean,
    faults: [fault],
    leaderChanges: [
      { atS: 0, leader: 'orderer1' },
      { atS: 14, leader: 'orderer3' },
    ],
    windowMs: 1000,
    ...overrides,
  };
}

describe('chaos report', () => {
  it('passes a clean run and measures the recovery after the fault and after the new leader', () => {
    const r = buildReport(input());
    expect(r.passed).to.equal(true);
    expect(r.breaches).to.deep.equal([]);
    expect(r.windows).to.have.length(30);
    const [f] = r.faults;
    expect(f?.recovery).to.deep.include({
      baselineTps: 10,
      dipAfterS: 2,
      recoveredAfterS: 6,
      longestZeroS: 5,
    });
    expect(f?.recoveredAfterNewLeaderS).to.equal(2);
    // 200 operations from 10 s on; the 50 begun from 12 s to 17 s waited up to 5 s.
    expect(f?.impact).to.deep.equal({
      operations: 200,
      slow: 10,
      notCommitted: 0,
      maxLatencyMs: 5000,
    });
    expect(r.latencyMs.p50).to.equal(50);
    expect(r.throughput).to.equal(10);
  });

  it('fails a run with a lost operation or a fault that could not be injected', () => {
    const r = buildReport(
      input({
        verification: { ...clean, lost: [7] },
        faults: [{ ...fault, repairedAtS: null, error: 'network.sh kill orderer1 failed' }],
      }),
    );
    expect(r.passed).to.equal(false);
    expect(r.breaches).to.deep.equal([
      '1 lost: reported committed but not on the ledger (7)',
      'fault orderer-leader-kill at 10 s: network.sh kill orderer1 failed',
    ]);
  });

  it('writes the counts, failures by code, unknown outcomes and each fault in Markdown', () => {
    const md = toMarkdown(buildReport(input()));
    expect(md).to.include('**PASSED**');
    expect(md).to.include('| 300 | 298 | 1 | 1 (1 / 0) | 0 | 0 | 0 | 0 |');
    expect(md).to.include('- `ConnectionError:UNAVAILABLE`: 1');
    expect(md).to.include('DUPLICATE_TXID 2');
    expect(md).to.include(
      '| 10 | orderer-leader-kill | orderer1 | 5.5 | 4.0 (orderer3) | 2 | 6 | 2 | 5 | 10.0 |',
    );
  });

  it('draws a bar per window with commits, the p50 line, fault spans and leader changes', () => {
    const svg = toSvg(buildReport(input()));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
    expect(svg.match(/fill="#3b6ea8"\/>/g)).to.have.length(25);
    expect(svg).to.include('<polyline');
    expect(svg).to.include('orderer-leader-kill orderer1</text>');
    expect(svg).to.include('>orderer3</text>');
  });

  it('escapes text it puts in the SVG', () => {
    const svg = toSvg(buildReport(input({ runId: 'a<b&c' })));
    expect(svg).to.include('Chaos run a&lt;b&amp;c');
  });

  it('writes report.json, report.md and timeline.svg', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chaos-report-'));
    const files = writeReport(dir, buildReport(input()));
    expect(readdirSync(dir).sort()).to.deep.equal(['report.json', 'report.md', 'timeline.svg']);
    expect(files).to.have.length(3);
    const json = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as {
      passed: boolean;
      runId: string;
    };
    expect(json).to.deep.include({ passed: true, runId: 'r' });
  });
});

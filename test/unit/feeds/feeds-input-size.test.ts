/**
 * Size limits on what a feeds transaction carries: a report, all arguments of a call, and its
 * transient data. Calls go through `FakeLedger.invoke`, which runs `beforeTransaction` as
 * fabric-contract-api does.
 */
import { expect } from 'chai';
import { MAX_ARGUMENTS_BYTES, MAX_TRANSIENT_BYTES } from '../../../chaincode/src/lib/limits';
import { MIN_VALUE } from '@oracle-consortium/protocol';
import { MAX_REPORT_BYTES } from '../../../chaincode/src/feeds/lib/report-inputs';
import {
  admin,
  expectRejected,
  feedInput,
  makeOracles,
  makeReport,
  member,
  setup,
} from './helpers';

const MB = 1024 * 1024;

describe('feeds: input size limits', () => {
  it('refuses a valid report padded with 5 MB of whitespace with INPUT_TOO_LARGE', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    const padded = JSON.stringify(makeReport(feed, oracles)) + ' '.repeat(5 * MB);
    const err = await expectRejected(
      ledger,
      () => ledger.invoke(contract, member(), 'submitReport', [padded]),
      'INPUT_TOO_LARGE',
    );
    expect(err.message).to.equal(
      `[INPUT_TOO_LARGE] the arguments of feeds:submitReport are ${'feeds:submitReport'.length + padded.length} bytes; at most ${MAX_ARGUMENTS_BYTES} are accepted`,
    );
  });

  it('refuses a report one byte over MAX_REPORT_BYTES with INPUT_TOO_LARGE', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    const text = JSON.stringify(makeReport(feed, oracles));
    const padded = text + ' '.repeat(MAX_REPORT_BYTES + 1 - text.length);
    const err = await expectRejected(
      ledger,
      () => ledger.invoke(contract, member(), 'submitReport', [padded]),
      'INPUT_TOO_LARGE',
    );
    expect(err.message).to.equal(
      `[INPUT_TOO_LARGE] report is ${MAX_REPORT_BYTES + 1} bytes; at most ${MAX_REPORT_BYTES} are accepted`,
    );
  });

  it('accepts a 31-oracle report with the longest values, indented, within the limit', async () => {
    const { ledger, contract, feed, oracles } = await setup(31, {
      f: 10,
      minAnswer: MIN_VALUE.toString(),
    });
    const values = Object.fromEntries(oracles.map((_, i) => [i, MIN_VALUE.toString()]));
    const report = makeReport(feed, oracles, { values, roundId: '18446744073709551615' });
    const text = JSON.stringify(report, null, 2);
    expect(text.length).to.be.greaterThan(8000).and.lessThan(MAX_REPORT_BYTES);
    const out = await ledger.invoke(contract, member(), 'submitReport', [text]);
    expect(JSON.parse(out as string)).to.include({ roundId: '18446744073709551615' });
  });

  it('refuses any function whose arguments exceed MAX_ARGUMENTS_BYTES, before parsing them', async () => {
    const { ledger, contract } = await setup();
    const policy = JSON.stringify({ description: 'x' }) + ' '.repeat(MAX_ARGUMENTS_BYTES);
    await expectRejected(
      ledger,
      () => ledger.invoke(contract, admin(), 'setReportingPolicy', ['eth-usd', policy]),
      'INPUT_TOO_LARGE',
    );
  });

  it('accepts a 31-oracle feed definition within the argument limit', async () => {
    const oracles = makeOracles(31, 'p256', 'oracle-with-a-long-identifier-');
    const { ledger, contract } = await setup();
    const input = feedInput(oracles, { feedId: 'btc-usd', f: 10 });
    const out = await ledger.invoke(contract, admin(), 'createFeed', [input]);
    expect((JSON.parse(out as string) as { oracles: unknown[] }).oracles).to.have.length(31);
  });

  it('refuses transient data over MAX_TRANSIENT_BYTES with INPUT_TOO_LARGE', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    const report = JSON.stringify(makeReport(feed, oracles));
    const err = await expectRejected(
      ledger,
      () =>
        ledger.invoke(
          contract,
          { ...admin(), transient: { junk: 'x'.repeat(5 * MB) } },
          'submitReport',
          [report],
        ),
      'INPUT_TOO_LARGE',
    );
    expect(err.message).to.equal(
      `[INPUT_TOO_LARGE] the transient data of feeds:submitReport is ${5 * MB + 4} bytes; at most ${MAX_TRANSIENT_BYTES} are accepted`,
    );
  });
});

/**
 * The bench probe's `state-2r2w` workload calls the no-op chaincode's `touch`: it must read the two
 * keys it is given and write the other two with the value, and nothing else, or the probe would not
 * measure the state access of a report.
 */
import { expect } from 'chai';
import * as path from 'node:path';

interface TouchContract {
  touch(
    ctx: unknown,
    read1: string,
    read2: string,
    write1: string,
    write2: string,
    value: string,
  ): Promise<string>;
}

const fixture = path.resolve(__dirname, '..', '..', 'fixtures', 'kv-chaincode');

describe('bench: the kv fixture’s touch', () => {
  it('reads two keys and writes two, in that order, with the value given', async () => {
    const calls: string[] = [];
    const stub = {
      getState: (k: string) => {
        calls.push(`get ${k}`);
        return Promise.resolve(new Uint8Array());
      },
      putState: (k: string, v: Uint8Array) => {
        calls.push(`put ${k} ${Buffer.from(v).toString('utf8')}`);
        return Promise.resolve();
      },
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { contracts } = require(fixture) as { contracts: (new () => TouchContract)[] };
    const Kv = contracts[0];
    if (Kv === undefined) throw new Error('the fixture exports no contract');
    const out = await new Kv().touch({ stub }, 'r1', 'r2', 'w1', 'w2', 'vvv');
    expect(out).to.equal('');
    expect(calls).to.deep.equal(['get r1', 'get r2', 'put w1 vvv', 'put w2 vvv']);
  });
});

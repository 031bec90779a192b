/** The chaos run's flags: profiles, overrides, and bad input refused by name. */
import { expect } from 'chai';
import { parseOptions, type ChaosOptions } from '../../../scripts/chaos/options';

const REPO = '/repo';

function parse(...argv: string[]): ChaosOptions {
  const o = parseOptions(argv, REPO);
  if (o === 'help') throw new Error('unexpected help');
  return o;
}

describe('chaos options', () => {
  it('runs the full profile by default: 10,000 operations, every fault kind but quorum loss, the leader faults last', () => {
    const o = parse();
    expect(o).to.deep.include({
      profile: 'full',
      minOps: 10000,
      rate: 30,
      concurrency: 32,
      holdS: 8,
    });
    expect(o.kinds).to.deep.equal([
      'peer-kill',
      'peer-pause',
      'chaincode-kill',
      'orderer-follower-kill',
      'orderer-pause',
      'orderer-leader-kill',
    ]);
    expect(o.peer).to.equal(undefined);
    expect(o.outDir).to.equal('/repo/bench/results/chaos-full');
  });

  it('runs at least 1,000 operations with one fault of each kind in the ci profile', () => {
    const o = parse('--profile', 'ci');
    expect(o).to.deep.include({
      minOps: 1000,
      rate: 10,
      holdS: 5,
      outDir: '/repo/bench/results/chaos-ci',
    });
    expect(new Set(o.kinds).size).to.equal(6);
    expect(o.longestS).to.equal(10 + 6 * (5 + 10 + 75));
  });

  it('lets flags override the profile and adds quorum loss at the end', () => {
    const o = parse(
      '--profile',
      'ci',
      '--ops',
      '50',
      '--rate',
      '2.5',
      '--faults',
      'peer-kill',
      '--quorum-loss',
      '--peer',
      'peer2-org1',
      '--out',
      '/tmp/x',
    );
    expect(o).to.deep.include({ minOps: 50, rate: 2.5, peer: 'peer2-org1', outDir: '/tmp/x' });
    expect(o.kinds).to.deep.equal(['peer-kill', 'orderer-quorum-loss']);
  });

  it('answers help for --help and -h', () => {
    expect(parseOptions(['--help'], REPO)).to.equal('help');
    expect(parseOptions(['-h'], REPO)).to.equal('help');
  });

  it('refuses bad input, naming the flag', () => {
    expect(() => parse('--rate', 'x')).to.throw(Error, "--rate must be a number > 0, got 'x'");
    expect(() => parse('--hold', '0')).to.throw(Error, "--hold must be a number > 0, got '0'");
    expect(() => parse('--ops', '')).to.throw(Error, "--ops must be a whole number > 0, got ''");
    expect(() => parse('--ops', '10.5')).to.throw(
      Error,
      "--ops must be a whole number > 0, got '10.5'",
    );
    expect(() => parse('--profile', 'huge')).to.throw(
      Error,
      "unknown --profile 'huge'; known: full, ci",
    );
    expect(() => parse('--faults', 'peer-melt')).to.throw(Error, "unknown fault kind 'peer-melt'");
    expect(() => parse('--peer', 'peer1-org2')).to.throw(
      Error,
      "--peer must name a peer of Org1 like peer1-org1, got 'peer1-org2'",
    );
    expect(() => parse('--bogus')).to.throw(TypeError, "Unknown option '--bogus'");
  });
});

/**
 * The AMB build's manifest (chaincode/amb/package.json) is derived from the chaincode's own: the
 * committed file must be what the derivation gives today, so a dependency another change adds to
 * chaincode/package.json cannot be missing from the bundle AMB's peers run (they cannot fetch it).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';

interface Manifest {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  overrides: Record<string, string>;
  engines: Record<string, string>;
}
interface Derivation {
  deriveAmbManifest(chaincode: unknown, target: unknown): Manifest;
  ambManifestText(): string;
}

const REPO = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const derivation = require(path.join(REPO, 'scripts', 'lib', 'chaincode-target.cjs')) as Derivation;
const read = (file: string): unknown =>
  JSON.parse(readFileSync(path.join(REPO, 'chaincode', file), 'utf8'));

describe('AMB build manifest', () => {
  it('is committed exactly as derived from chaincode/package.json and chaincode/amb/target.json', () => {
    expect(readFileSync(path.join(REPO, 'chaincode', 'amb', 'package.json'), 'utf8')).to.equal(
      derivation.ambManifestText(),
      'run `npm run package:amb` and commit chaincode/amb/package.json and package-lock.json',
    );
  });

  it("carries every dependency of the chaincode, with only the target's pins changed", () => {
    const chaincode = read('package.json') as Manifest;
    const target = read('amb/target.json') as Manifest;
    const amb = read('amb/package.json') as Manifest;
    expect(Object.keys(amb.dependencies).sort()).to.deep.equal(
      Object.keys(chaincode.dependencies).sort(),
    );
    for (const [name, range] of Object.entries(amb.dependencies)) {
      expect(range, name).to.equal(target.dependencies[name] ?? chaincode.dependencies[name]);
    }
    expect(amb.dependencies).to.include({ 'fabric-contract-api': '2.2.3', 'fabric-shim': '2.2.3' });
    expect(amb.engines).to.deep.equal({ node: '^12.16.1' });
  });

  it('takes a dependency added to the chaincode into the AMB manifest', () => {
    const chaincode = read('package.json') as Manifest;
    const added = {
      ...chaincode,
      dependencies: { ...chaincode.dependencies, '@hyperledger/fabric-protos': '^0.3.7' },
    };
    const amb = derivation.deriveAmbManifest(added, read('amb/target.json'));
    expect(amb.dependencies).to.include({ '@hyperledger/fabric-protos': '^0.3.7' });
  });

  it('refuses a pin of a package the chaincode does not depend on, naming it', () => {
    const target = { ...(read('amb/target.json') as Manifest) };
    target.dependencies = { ...target.dependencies, 'left-pad': '1.3.0' };
    expect(() => derivation.deriveAmbManifest(read('package.json'), target)).to.throw(
      Error,
      /pins left-pad, which chaincode\/package\.json does not depend on/,
    );
  });

  it('is in step with its lockfile', () => {
    const amb = read('amb/package.json') as Manifest;
    const lock = read('amb/package-lock.json') as {
      lockfileVersion: number;
      packages: Record<string, { dependencies?: Record<string, string>; version?: string }>;
    };
    expect(lock.lockfileVersion).to.equal(2);
    expect(lock.packages['']?.dependencies).to.deep.equal(amb.dependencies);
    // Every copy of winston's @dabh/diagnostics is the override (2.0.9 does not parse on Node 12).
    const diagnostics = Object.entries(lock.packages)
      .filter(([where]) => where.endsWith('node_modules/@dabh/diagnostics'))
      .map(([, entry]) => entry.version);
    expect(diagnostics).to.have.length.greaterThan(0);
    expect(new Set(diagnostics)).to.deep.equal(new Set(['2.0.3']));
  });
});

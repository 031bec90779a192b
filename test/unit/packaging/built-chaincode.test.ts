/**
 * Guards the chaincode's build: it carries its own copy of the protocol package (compiled into
 * chaincode/dist/node_modules, the only copy a peer's builder sees), so the codes and metadata of
 * what the peer runs are checked here against the gateway's and the golden files. The error-code
 * lists hold by construction (one source); what can break is the copy. Needs `npm run build`.
 */
import 'reflect-metadata';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CHAINCODE_DIST = path.join(REPO, 'chaincode', 'dist');
const GATEWAY_DIST = path.join(REPO, 'gateway', 'dist');

interface CodeLists {
  readonly FEED_ERROR_CODES: readonly string[];
  readonly MEMBERSHIP_ERROR_CODES: readonly string[];
}

interface GatewayLists {
  readonly FEEDS_ERROR_CODES: readonly string[];
  readonly MEMBERSHIP_ERROR_CODES: readonly string[];
}

function requireBuilt(file: string): unknown {
  if (!existsSync(file)) {
    throw new Error(`${path.relative(REPO, file)} is missing; run \`npm run build\` first`);
  }
  return require(file) as unknown; // eslint-disable-line @typescript-eslint/no-require-imports
}

/** The protocol copy the built chaincode resolves, seen from a contract module's own folder. */
function chaincodeProtocolPath(): string {
  return require.resolve('@oracle-consortium/protocol', {
    paths: [path.join(CHAINCODE_DIST, 'feeds')],
  });
}

/** Every code passed to `fail`, `ensure` or `ChaincodeError` in the built files under `dir`. */
function thrownCodes(dir: string): Set<string> {
  const codes = new Set<string>();
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.js') && !f.includes('node_modules'),
  );
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const call of text.matchAll(/(?:\bfail\)?\(|\bensure\)?\(|ChaincodeError\()([^;]*)/g)) {
      // A code is a whole argument followed by the message; literals compared inside a
      // condition (`status === 'IN_PROGRESS'`) are not codes.
      for (const literal of (call[1] ?? '').matchAll(/(?:^|[(,])\s*'([A-Z][A-Z0-9_]+)'\s*,/g)) {
        codes.add(literal[1]!);
      }
    }
  }
  return codes;
}

describe('built chaincode', () => {
  it('resolves the protocol package from its own dist, not from the repository', () => {
    const resolved = chaincodeProtocolPath();
    expect(resolved).to.equal(
      path.join(
        CHAINCODE_DIST,
        'node_modules',
        '@oracle-consortium',
        'protocol',
        'dist',
        'index.js',
      ),
    );
  });

  it('carries the feed error codes the gateway exposes, in the same order', () => {
    const chaincode = requireBuilt(chaincodeProtocolPath()) as CodeLists;
    const gateway = requireBuilt(path.join(GATEWAY_DIST, 'index.js')) as GatewayLists;
    expect(chaincode.FEED_ERROR_CODES).to.have.length.above(0);
    expect([...chaincode.FEED_ERROR_CODES]).to.deep.equal([...gateway.FEEDS_ERROR_CODES]);
  });

  it('carries the membership error codes the gateway exposes, in the same order', () => {
    const chaincode = requireBuilt(chaincodeProtocolPath()) as CodeLists;
    const gateway = requireBuilt(path.join(GATEWAY_DIST, 'index.js')) as GatewayLists;
    expect(chaincode.MEMBERSHIP_ERROR_CODES).to.have.length.above(0);
    expect([...chaincode.MEMBERSHIP_ERROR_CODES]).to.deep.equal([
      ...gateway.MEMBERSHIP_ERROR_CODES,
    ]);
  });

  it('throws from the feeds contract only codes of the feed list', () => {
    const { FEED_ERROR_CODES } = requireBuilt(chaincodeProtocolPath()) as CodeLists;
    const thrown = [
      ...thrownCodes(path.join(CHAINCODE_DIST, 'feeds')),
      ...thrownCodes(path.join(CHAINCODE_DIST, 'lib')),
    ];
    expect(thrown).to.include('FEED_NOT_FOUND');
    expect(thrown.filter((c) => !FEED_ERROR_CODES.includes(c))).to.deep.equal([]);
  });

  it('throws from the membership contract only codes of the membership list', () => {
    const { MEMBERSHIP_ERROR_CODES } = requireBuilt(chaincodeProtocolPath()) as CodeLists;
    const thrown = [
      ...thrownCodes(path.join(CHAINCODE_DIST, 'membership')),
      ...thrownCodes(path.join(CHAINCODE_DIST, 'lib')),
    ];
    expect(thrown).to.include('PROPOSAL_NOT_FOUND');
    expect(thrown.filter((c) => !MEMBERSHIP_ERROR_CODES.includes(c))).to.deep.equal([]);
  });

  for (const [name, file, exported, golden] of [
    ['feeds', 'feeds/feeds-contract.js', 'FeedsContract', 'feeds/feeds-metadata.golden.json'],
    [
      'membership',
      'membership/membership-contract.js',
      'MembershipContract',
      'membership/membership-metadata.golden.json',
    ],
  ] as const) {
    it(`publishes the ${name} transactions of the golden metadata from its compiled contract`, () => {
      const module = requireBuilt(path.join(CHAINCODE_DIST, file)) as Record<
        string,
        { prototype: object }
      >;
      const contract = module[exported]!;
      const actual = JSON.parse(
        JSON.stringify(Reflect.getMetadata('fabric:transactions', contract.prototype)),
      ) as unknown;
      const expected = JSON.parse(
        readFileSync(path.join(REPO, 'test', 'unit', golden), 'utf8'),
      ) as { transactions: unknown };
      expect(actual).to.deep.equal(expected.transactions);
    });
  }
});

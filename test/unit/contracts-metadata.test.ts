/**
 * The metadata call `org.hyperledger.fabric:GetMetadata` as the chaincode server answers it: our
 * contracts handed to fabric-shim's ChaincodeFromContract (what its bootstrap does with the
 * package's `contracts`), then one invocation dispatched through its invoke path with a stub that
 * carries a real client certificate. The reply goes through fabric-contract-api's JSON serializer,
 * which is where an incompatible class-transformer breaks it (`classToPlain is not a function`),
 * so the packages are resolved from chaincode/ as the chaincode server resolves them.
 */
import 'reflect-metadata';
import { expect } from 'chai';
import * as path from 'node:path';
import { contracts } from '../../chaincode/src';
import { fakeTls } from '../support/gateway/fake-gateway';

const CHAINCODE_DIR = path.resolve(__dirname, '..', '..', 'chaincode');

interface Response {
  readonly status: number;
  readonly message?: string;
  readonly payload?: Buffer;
}

interface ChaincodeFromContract {
  invokeFunctionality(stub: unknown): Promise<Response>;
}

type ChaincodeFromContractClass = new (
  contracts: unknown[],
  serializers: unknown,
  metadata: unknown,
  title: string,
  version: string,
) => ChaincodeFromContract;

interface Metadata {
  readonly info: { readonly title: string; readonly version: string };
  readonly contracts: Record<
    string,
    { readonly name: string; readonly transactions: { readonly name: string }[] }
  >;
}

/** A module as the chaincode server, started in chaincode/, loads it. */
function chaincodeRequire(id: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve(id, { paths: [CHAINCODE_DIR] })) as unknown;
}

/** Invokes `fcn` with no arguments the way the peer's request reaches the contract. */
async function invoke(fcn: string): Promise<Response> {
  const ChaincodeFromContract = chaincodeRequire(
    'fabric-shim/lib/contract-spi/chaincodefromcontract',
  ) as ChaincodeFromContractClass;
  const { JSONSerializer } = chaincodeRequire('fabric-contract-api') as { JSONSerializer: unknown };
  // The serializers fabric-shim's bootstrap uses when the package declares none (ours declares none).
  const serializers = {
    transaction: 'jsonSerializer',
    serializers: { jsonSerializer: JSONSerializer },
  };
  // The constructor appends the system contract to the array it is given.
  const chaincode = new ChaincodeFromContract(
    [...contracts],
    serializers,
    {},
    'oracle-consortium-chaincode',
    '0.1.0',
  );
  const stub = {
    getBufferArgs: () => [Buffer.from(fcn)],
    getTxID: () => 'tx-metadata',
    getChannelID: () => 'consortium',
    getCreator: () => ({ mspid: 'Org1MSP', idBytes: Buffer.from(fakeTls().cert) }),
  };
  return chaincode.invokeFunctionality(stub);
}

describe('chaincode: org.hyperledger.fabric:GetMetadata', () => {
  it('returns the metadata of both contracts with their transactions', async () => {
    const response = await invoke('org.hyperledger.fabric:GetMetadata');
    expect(response.message, 'the metadata call failed').to.equal(undefined);
    expect(response.status).to.equal(200);
    const metadata = JSON.parse((response.payload ?? Buffer.alloc(0)).toString('utf8')) as Metadata;
    expect(metadata.info).to.deep.equal({
      title: 'oracle-consortium-chaincode',
      version: '0.1.0',
    });
    expect(Object.keys(metadata.contracts).sort()).to.deep.equal([
      'feeds',
      'membership',
      'org.hyperledger.fabric',
    ]);
    const names = (contract: string): string[] =>
      (metadata.contracts[contract]?.transactions ?? []).map((t) => t.name);
    expect(names('feeds')).to.include.members(['createFeed', 'submitReport', 'latestRoundData']);
    expect(names('membership')).to.include.members(['initialize']);
    expect(names('org.hyperledger.fabric')).to.deep.equal(['GetMetadata']);
  });
});

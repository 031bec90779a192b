/**
 * An identity the network description lists for a member (its certificate and key files, as
 * network.sh writes them for local networks), with a signer over the key file: how the demo, the
 * agent, the chaos run and the test support connect as `admin` or `user1`.
 */
import { readFileSync } from 'node:fs';
import { signers, type NetworkConfig, type Signer } from '@oracle-consortium/gateway';

/** A described identity, ready for `connection.connect`. */
export interface DescribedIdentity {
  /** The member's MSP id. */
  readonly mspId: string;
  /** The PEM certificate. */
  readonly certificate: string;
  /** Signs with the key file. */
  readonly signer: Signer;
}

/**
 * Reads the identity the description lists under `name` for the member `network` was loaded for.
 *
 * @param network - the member's settings, from `connection.loadNetworkDescription`
 * @param name - the identity's name in the description (`admin`, `user1`)
 * @returns its MSP id, certificate and a file signer
 * @throws Error naming the identity and the member when the description lists no such identity
 */
export async function describedIdentity(
  network: NetworkConfig,
  name: string,
): Promise<DescribedIdentity> {
  const files = network.identities[name];
  if (files === undefined) {
    throw new Error(`the network description lists no ${name} identity for ${network.mspId}`);
  }
  return {
    mspId: files.mspId,
    certificate: readFileSync(files.certificatePath, 'utf8'),
    signer: await signers.newFileSigner({ path: files.privateKeyPath }),
  };
}

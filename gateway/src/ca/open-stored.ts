/**
 * A member's identity from an identity store, ready to sign: the certificate recorded at
 * enrollment and a signer opened on its key wherever it lives (a key file, the KMS, the HSM). The
 * commands that act for a member (the governance agent, the operator console) take their identity
 * this way when its key must not be a file.
 */
import type { NetworkConfig } from '../connection/network-config';
import { ConfigError } from '../errors';
import { openSigner } from '../signers/open-signer';
import type { Signer } from '../signers/signer';
import { newFileIdentityStore } from './identity-store';

/** Options of {@link openStoredIdentity}. */
export interface OpenStoredIdentityOptions {
  /** The file identity store's directory. */
  readonly directory: string;
  /** The stored identity's name. */
  readonly name: string;
  /**
   * The member's settings from the network description: the identity must belong to its MSP, and
   * its HSM settings (library, PIN, SoftHSM2 configuration) open an HSM-held key.
   */
  readonly network: Pick<NetworkConfig, 'mspId' | 'hsm'>;
}

/** A stored identity opened for signing. */
export interface OpenedIdentity {
  /** Its MSP id. */
  readonly mspId: string;
  /** Its PEM certificate. */
  readonly certificate: string;
  /** The signer of its key; `close()` it when done (a KMS or HSM session). */
  readonly signer: Signer;
}

/**
 * Opens a stored identity of the member for signing. For an HSM-held key the description's
 * SoftHSM2 configuration file is put in `SOFTHSM2_CONF` when that variable is not set yet, since
 * SoftHSM2 reads its configuration only from there.
 *
 * @param options - the store, the name and the member
 * @returns the certificate and an opened signer
 * @throws ConfigError `INVALID_CONFIG` when the store has no such identity or it belongs to
 *   another MSP, or the key is in an HSM the description does not configure
 * @example
 * ```ts
 * const network = await connection.loadNetworkDescription({ path, member: 'Org2' });
 * const admin = await ca.openStoredIdentity({ directory: './ids', name: 'kms-admin', network });
 * const conn = connection.connect({ network, identity: { certificate: admin.certificate }, signer: admin.signer });
 * ```
 */
export async function openStoredIdentity(
  options: Readonly<OpenStoredIdentityOptions>,
): Promise<OpenedIdentity> {
  const { directory, name, network } = options;
  const stored = await newFileIdentityStore({ directory }).get(name);
  if (stored === undefined) {
    throw new ConfigError({
      code: 'INVALID_CONFIG',
      message: `identity ${name} is not in the identity store ${directory}`,
    });
  }
  if (stored.mspId !== network.mspId) {
    throw new ConfigError({
      code: 'INVALID_CONFIG',
      message: `identity ${name} in ${directory} belongs to ${stored.mspId}, not ${network.mspId}`,
    });
  }
  if (stored.key.type === 'hsm' && network.hsm?.softHsm2Conf !== undefined) {
    process.env.SOFTHSM2_CONF ??= network.hsm.softHsm2Conf;
  }
  const signer = await openSigner(stored.key, {
    ...(network.hsm !== undefined
      ? { hsm: { library: network.hsm.library, pin: network.hsm.pin } }
      : {}),
  });
  return { mspId: stored.mspId, certificate: stored.certificate, signer };
}

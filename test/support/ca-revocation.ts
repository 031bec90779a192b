/**
 * Test support: a member's CA as its registrar reaches it, to register, enroll and revoke
 * throwaway identities, so a test can count on a revocation list that differs from the one the
 * channel already carries (network.sh crl adds no block when nothing new was revoked).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  ca,
  signers,
  type CaClient,
  type CaIdentity,
  type NetworkConfig,
} from '@oracle-consortium/gateway';

/** A member's CA client and its registrar, enrolled with a fresh file key in `dir`. */
export interface RegistrarSession {
  /** The client of the member's CA. */
  caClient: CaClient;
  /** The CA's registrar, enrolled for this session. */
  registrar: CaIdentity;
}

/** Enrolls the member's registrar (from its network description) with a new key kept in `dir`. */
export async function registrarSession(
  network: NetworkConfig,
  dir: string,
): Promise<RegistrarSession> {
  const caConfig = network.ca;
  if (caConfig?.registrar === undefined) {
    throw new Error(`the description of ${network.mspId} names no CA registrar`);
  }
  const caClient = ca.newCaClient({
    url: caConfig.url,
    ...(caConfig.address ? { address: caConfig.address } : {}),
    tlsRootCerts: caConfig.tlsRootCerts,
  });
  const signer = await signers.generateFileKey({
    path: join(dir, `registrar-${randomUUID()}.pem`),
  });
  const { certificate } = await caClient.enroll({
    enrollmentId: caConfig.registrar.enrollmentId,
    enrollmentSecret: caConfig.registrar.enrollmentSecret,
    signer,
  });
  return { caClient, registrar: { certificate, signer } };
}

/**
 * Registers and enrolls a new client at the member's CA, then revokes it; returns its enrollment
 * id and the serial the CA revoked, so the CA's next CRL lists a serial no earlier CRL did.
 */
export async function revokeFreshIdentity(
  session: RegistrarSession,
  dir: string,
): Promise<{ enrollmentId: string; serial: string }> {
  const { caClient, registrar } = session;
  const enrollmentId = `revoked-${randomUUID().slice(0, 8)}`;
  const secret = await caClient.register({
    registrar,
    enrollmentId,
    type: 'client',
    affiliation: '',
  });
  const signer = await signers.generateFileKey({ path: join(dir, `${enrollmentId}.pem`) });
  const { certificate } = await caClient.enroll({ enrollmentId, enrollmentSecret: secret, signer });
  const out = await caClient.revoke({ registrar, certificate, reason: 'superseded' });
  const serial = out.revoked[0]?.serial;
  if (serial === undefined) throw new Error(`${enrollmentId}: the CA revoked no certificate`);
  return { enrollmentId, serial };
}

/**
 * Test support: a member's CA as its registrar reaches it, to enroll identities a test needs (an
 * admin whose key is created in the local KMS) and to revoke throwaway ones, so a test can count
 * on a revocation list that differs from the one the channel already carries (network.sh crl adds
 * no block when nothing new was revoked).
 */
import { randomUUID, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import {
  ca,
  signers,
  type CaClient,
  type CaIdentity,
  type NetworkConfig,
  type Signer,
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

/**
 * Creates a key in the member's local KMS (the description's Kms settings) and enrolls it with the
 * member's CA as a new identity of type admin, so its certificate carries the admin node OU that
 * the channel's Admins policies count.
 *
 * @param network - the member's settings from the network description
 * @param dir - where the registrar's session key is written
 * @returns the admin's MSP id, certificate and KMS signer (close it when done)
 * @throws Error when the description names no KMS or the certificate lacks the admin OU
 */
export async function enrollKmsAdmin(
  network: NetworkConfig,
  dir: string,
): Promise<{ mspId: string; certificate: string; signer: Signer }> {
  const kms = network.kms;
  if (kms === undefined) throw new Error(`the description of ${network.mspId} names no KMS`);
  const kmsOptions = {
    region: kms.region,
    endpoint: kms.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const signer = signers.newKmsSigner({
    ...kmsOptions,
    keyId: await signers.createKmsKey(kmsOptions),
  });
  const { caClient, registrar } = await registrarSession(network, dir);
  const enrollmentId = `kms-admin-${randomUUID().slice(0, 8)}`;
  const secret = await caClient.register({
    registrar,
    enrollmentId,
    type: 'admin',
    affiliation: '',
  });
  const { certificate } = await caClient.enroll({ enrollmentId, enrollmentSecret: secret, signer });
  if (!new X509Certificate(certificate).subject.includes('OU=admin')) {
    throw new Error(
      `${enrollmentId}'s certificate has no admin OU: ${new X509Certificate(certificate).subject}`,
    );
  }
  return { mspId: network.mspId, certificate, signer };
}

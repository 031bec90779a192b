/**
 * Throw-away X.509 certificates for MSP definitions of organisations that do not run yet (the
 * demo's and the tests' invitees, the test vectors), made with the openssl command line, which
 * the network scripts already need (test-network/lib/crl.sh); node:crypto parses certificates but
 * cannot issue them. Self-signed CA roots, a self-signed non-CA certificate, a self-signed TLS
 * server certificate for the tests' stand-in peers and orderers, an intermediate CA issued by a
 * root, and a leaf with a node OU; P-256 keys, as Fabric MSPs use.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its private key, both PEM. */
export interface TestCert {
  readonly certPem: string;
  readonly keyPem: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Runs `make` in a scratch folder, then returns the cert.pem and key.pem it left there. */
function inScratch(make: (dir: string) => void): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'));
  try {
    make(dir);
    return {
      certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const NEW_P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** `openssl req -x509`: a self-signed certificate for the subject with the extensions given. */
function selfSignedIn(dir: string, subject: string, days: number, extensions: string[]): void {
  const ext = extensions.flatMap((e) => ['-addext', e]);
  openssl(
    [
      'req',
      '-x509',
      ...NEW_P256_KEY,
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-days',
      String(days),
      '-subj',
      subject,
      ...ext,
    ],
    dir,
  );
}

/**
 * Writes the issuer's pair and an extensions file, makes a key and CSR for the subject, and has
 * the issuer sign it (`openssl x509 -req`).
 */
function issuedIn(dir: string, subject: string, issuer: TestCert, extensions: string): void {
  writeFileSync(join(dir, 'issuer.pem'), issuer.certPem);
  writeFileSync(join(dir, 'issuer.key'), issuer.keyPem);
  writeFileSync(join(dir, 'ext.cnf'), extensions);
  openssl(
    ['req', '-new', ...NEW_P256_KEY, '-keyout', 'key.pem', '-out', 'req.csr', '-subj', subject],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'req.csr',
      '-CA',
      'issuer.pem',
      '-CAkey',
      'issuer.key',
      '-CAcreateserial',
      '-days',
      '3650',
      '-extfile',
      'ext.cnf',
      '-out',
      'cert.pem',
    ],
    dir,
  );
}

/**
 * Makes a self-signed certificate.
 *
 * @param commonName - the subject CN
 * @param ca - whether basicConstraints says CA:TRUE (a root) or CA:FALSE (a leaf)
 * @returns the certificate and key
 */
export function selfSigned(commonName: string, ca = true): TestCert {
  return inScratch((dir) => {
    selfSignedIn(dir, `/CN=${commonName}`, 3650, [
      `basicConstraints=critical,CA:${ca ? 'TRUE' : 'FALSE'}`,
      ca ? 'keyUsage=critical,keyCertSign,cRLSign' : 'keyUsage=critical,digitalSignature',
    ]);
  });
}

/**
 * Makes a self-signed TLS server certificate that is its own trust root, for a stand-in peer or
 * orderer: the clients under test are given the certificate as the TLS root and dial the names.
 *
 * @param commonName - the subject CN
 * @param subjectAltName - the names it serves, in openssl's form: `DNS:peer.fake.local,IP:127.0.0.1`
 * @param days - how long it is valid (the tests' certificates need not outlive the run)
 * @returns the certificate and key
 */
export function tlsServer(commonName: string, subjectAltName: string, days = 2): TestCert {
  return inScratch((dir) => {
    selfSignedIn(dir, `/CN=${commonName}`, days, [`subjectAltName=${subjectAltName}`]);
  });
}

/**
 * Makes a CA certificate issued by another CA: an intermediate, which is not a root.
 *
 * @param commonName - the subject CN
 * @param issuer - the issuing CA
 * @returns the certificate and key
 */
export function issuedCa(commonName: string, issuer: TestCert): TestCert {
  return inScratch((dir) => {
    issuedIn(
      dir,
      `/CN=${commonName}`,
      issuer,
      'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n',
    );
  });
}

/**
 * Makes an end-entity certificate issued by a CA, with an OU as Fabric CA sets the node OU role.
 *
 * @param commonName - the subject CN
 * @param organizationalUnit - the subject OU, for example `admin`
 * @param issuer - the issuing CA
 * @returns the certificate and key
 */
export function issuedLeaf(
  commonName: string,
  organizationalUnit: string,
  issuer: TestCert,
): TestCert {
  return inScratch((dir) => {
    issuedIn(
      dir,
      `/OU=${organizationalUnit}/CN=${commonName}`,
      issuer,
      'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n',
    );
  });
}

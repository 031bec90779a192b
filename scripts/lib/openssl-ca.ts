/**
 * Throw-away X.509 certificates for MSP definitions of organisations that do not run yet (the
 * demo's and the tests' invitees, the test vectors), made with the openssl command line, which
 * the network scripts already need (test-network/lib/crl.sh); node:crypto parses certificates but
 * cannot issue them. Self-signed CA roots, a self-signed non-CA certificate, and an intermediate
 * CA issued by a root; P-256 keys, as Fabric MSPs use.
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

/**
 * Makes a self-signed certificate.
 *
 * @param commonName - the subject CN
 * @param ca - whether basicConstraints says CA:TRUE (a root) or CA:FALSE (a leaf)
 * @returns the certificate and key
 */
export function selfSigned(commonName: string, ca = true): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'));
  try {
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '3650',
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        `basicConstraints=critical,CA:${ca ? 'TRUE' : 'FALSE'}`,
        '-addext',
        ca ? 'keyUsage=critical,keyCertSign,cRLSign' : 'keyUsage=critical,digitalSignature',
      ],
      dir,
    );
    return {
      certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Makes a CA certificate issued by another CA: an intermediate, which is not a root.
 *
 * @param commonName - the subject CN
 * @param issuer - the issuing CA
 * @returns the certificate and key
 */
export function issuedCa(commonName: string, issuer: TestCert): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'));
  try {
    writeFileSync(join(dir, 'issuer.pem'), issuer.certPem);
    writeFileSync(join(dir, 'issuer.key'), issuer.keyPem);
    writeFileSync(
      join(dir, 'ext.cnf'),
      'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n',
    );
    openssl(
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'req.csr',
        '-subj',
        `/CN=${commonName}`,
      ],
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
    return {
      certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'));
  try {
    writeFileSync(join(dir, 'issuer.pem'), issuer.certPem);
    writeFileSync(join(dir, 'issuer.key'), issuer.keyPem);
    writeFileSync(
      join(dir, 'ext.cnf'),
      'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n',
    );
    openssl(
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'req.csr',
        '-subj',
        `/OU=${organizationalUnit}/CN=${commonName}`,
      ],
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
    return {
      certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the Fabric CA client takes and returns: its options, requests and results, and the
 * `CaClient` interface that `newCaClient` implements (ca-client.ts).
 */
import type { Signer } from '../signers/signer';

/** Options of `ca.newCaClient`. */
export interface CaClientOptions {
  /** CA URL or endpoint as published: `https://ca.example:7054` or `ca.example:7054`. */
  readonly url: string;
  /** PEM root certificate(s) the CA's TLS certificate must chain to. Verification is always on. */
  readonly tlsRootCerts: string | readonly string[];
  /** Address to dial instead of resolving the hostname (VPC endpoint, local IP). */
  readonly address?: string;
  /** CA name on a multi-CA server; the default CA when absent. */
  readonly caName?: string;
  /** Per-request timeout in milliseconds; 10000 unless stated. */
  readonly timeoutMs?: number;
}

/** An enrolled identity able to sign CA requests: a registrar, or the owner reenrolling. */
export interface CaIdentity {
  /** PEM enrollment certificate. */
  readonly certificate: string;
  /** Signer holding the certificate's key. */
  readonly signer: Signer;
}

/** A certificate issued by the CA. */
export interface Enrollment {
  /** PEM enrollment certificate for the signer's key. */
  readonly certificate: string;
  /** PEM chain of the issuing CA. */
  readonly caChain: string;
}

/** Attribute requested into the enrollment certificate. */
export interface AttributeRequest {
  /** Attribute name. */
  readonly name: string;
  /** Whether enrollment may proceed when the identity lacks the attribute. */
  readonly optional?: boolean;
}

/** Request of {@link CaClient.enroll}. */
export interface EnrollRequest {
  /** Registered enrollment id; becomes the certificate's CN. */
  readonly enrollmentId: string;
  /** Enrollment secret from registration. */
  readonly enrollmentSecret: string;
  /** Signer holding the key to certify (file, KMS or HSM). */
  readonly signer: Signer;
  /** Signing profile, e.g. `tls`. */
  readonly profile?: string;
  /** Attributes to include in the certificate. */
  readonly attributes?: readonly AttributeRequest[];
}

/** Request of {@link CaClient.register}. */
export interface RegisterRequest {
  /** Identity with registrar rights. */
  readonly registrar: CaIdentity;
  /** New enrollment id. */
  readonly enrollmentId: string;
  /** Secret to set; the CA generates one when absent. */
  readonly enrollmentSecret?: string;
  /** Identity type: `client` unless stated. */
  readonly type?: string;
  /** Affiliation; the registrar's when absent. */
  readonly affiliation?: string;
  /** Number of enrollments allowed; the CA's default (-1 unlimited, 0 default) when absent. */
  readonly maxEnrollments?: number;
  /** Attributes to register. */
  readonly attributes?: readonly {
    /** Attribute name, such as `membership.admin`. */
    name: string;
    /** Attribute value. */
    value: string;
    /** Whether enrollment certificates carry it by default. */
    ecert?: boolean;
  }[];
}

/** Request of {@link CaClient.revoke}: either an enrollment id or one certificate. */
export interface RevokeRequest {
  /** Identity with revoker rights. */
  readonly registrar: CaIdentity;
  /** Revoke every certificate of this enrollment id. */
  readonly enrollmentId?: string;
  /** Revoke this PEM certificate only. */
  readonly certificate?: string;
  /** RFC 5280 reason name, e.g. `keycompromise`. */
  readonly reason?: string;
  /** Whether to return a fresh CRL. */
  readonly generateCrl?: boolean;
}

/** Outcome of {@link CaClient.revoke}. */
export interface RevokeResult {
  /** Serial and AKI (hex) of every certificate revoked. */
  readonly revoked: readonly {
    /** Serial number of the revoked certificate, hex. */
    readonly serial: string;
    /** Authority key identifier of its issuer, hex. */
    readonly aki: string;
  }[];
  /** PEM CRL when requested. */
  readonly crl?: string;
}

/** Public information about the CA. */
export interface CaInfo {
  /** Name of the CA. */
  readonly caName: string;
  /** PEM chain of the CA. */
  readonly caChain: string;
  /** Server version. */
  readonly version: string;
}

/**
 * A client of one Fabric CA. Enrollment goes through fabric-ca-client with an explicit CSR and
 * explicit TLS options; reenroll, register and revoke go through a small REST client so the
 * authorization token can be signed by an asynchronous (KMS or HSM) signer.
 */
export interface CaClient {
  /**
   * Certifies the signer's key for a registered identity.
   *
   * @param request - enrollment id, secret and signer
   * @returns the certificate and the CA chain
   * @throws CaError `CA_REJECTED` when the CA refuses (wrong secret, too many enrollments)
   * @throws CaError `CA_UNAVAILABLE` when the CA cannot be reached or its TLS does not verify
   */
  enroll(request: Readonly<EnrollRequest>): Promise<Enrollment>;
  /**
   * Renews a certificate for the same key.
   *
   * @param identity - the current certificate and its signer
   * @returns the new certificate
   * @throws CaError `CA_REJECTED` when the CA refuses (e.g. revoked certificate)
   * @throws CaError `CA_UNAVAILABLE` when the CA cannot be reached
   */
  reenroll(identity: Readonly<CaIdentity>): Promise<Enrollment>;
  /**
   * Registers a new identity.
   *
   * @param request - registrar and the new identity's properties
   * @returns the enrollment secret
   * @throws CaError `CA_REJECTED` when the CA refuses
   * @throws CaError `CA_UNAVAILABLE` when the CA cannot be reached
   */
  register(request: Readonly<RegisterRequest>): Promise<string>;
  /**
   * Revokes an identity's certificates or one certificate.
   *
   * @param request - registrar and what to revoke
   * @returns what was revoked
   * @throws ConfigError `INVALID_CONFIG` when neither an enrollment id nor a certificate is given
   * @throws CaError `CA_REJECTED` when the CA refuses
   * @throws CaError `CA_UNAVAILABLE` when the CA cannot be reached
   */
  revoke(request: Readonly<RevokeRequest>): Promise<RevokeResult>;
  /**
   * Reads the CA's name and chain.
   *
   * @returns CA information
   * @throws CaError `CA_UNAVAILABLE` when the CA cannot be reached
   */
  getCaInfo(): Promise<CaInfo>;
}

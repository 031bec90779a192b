/**
 * The Fabric CA client: enrollment through fabric-ca-client (loaded only when enrolling) with a CSR
 * signed by any signer, and reenroll, register, revoke and CA info over the CA's REST API with
 * token authentication signed the same way. TLS is always verified against the given roots.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { CaError, ConfigError } from '../errors';
import { endpointName, lookupFor, parseEndpoint, type Endpoint } from '../lib/endpoint';
import type {
  CaClient,
  CaClientOptions,
  CaIdentity,
  CaInfo,
  EnrollRequest,
  Enrollment,
  RegisterRequest,
  RevokeRequest,
  RevokeResult,
} from './ca-types';
import { fabricCaHex, serialAndAki } from './certificate';
import { createCsr } from './csr';

interface CaResponse {
  success?: boolean;
  result?: unknown;
  errors?: { code: number; message: string }[];
}

const API = '/api/v1/';

function b64(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64');
}

function fromB64(value: unknown): string {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '';
}

function readEnrollment(result: unknown): Enrollment {
  const r = (result ?? {}) as { Cert?: unknown; ServerInfo?: { CAChain?: unknown } };
  return { certificate: fromB64(r.Cert), caChain: fromB64(r.ServerInfo?.CAChain) };
}

class CaClientImpl implements CaClient {
  readonly #endpoint: Endpoint;
  readonly #roots: string[];
  readonly #caName: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: Readonly<CaClientOptions>) {
    const parsed = parseEndpoint(options.url);
    this.#endpoint = {
      ...parsed,
      ...(options.address !== undefined ? { address: options.address } : {}),
    };
    this.#roots =
      typeof options.tlsRootCerts === 'string' ? [options.tlsRootCerts] : [...options.tlsRootCerts];
    if (this.#roots.length === 0 || this.#roots.some((r) => !r.includes('BEGIN CERTIFICATE'))) {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: `CA ${options.url}: tlsRootCerts must hold PEM certificates; TLS verification cannot be turned off`,
      });
    }
    this.#caName = options.caName;
    this.#timeoutMs = options.timeoutMs ?? 10000;
  }

  get #name(): string {
    return `CA https://${endpointName(this.#endpoint)}`;
  }

  async enroll(request: Readonly<EnrollRequest>): Promise<Enrollment> {
    const csr = await createCsr({ commonName: request.enrollmentId, signer: request.signer });
    // fabric-ca-client is heavy (fabric-common, winston): load it only when enrolling.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const FabricCAServices = require('fabric-ca-client') as typeof import('fabric-ca-client');
    const services = new FabricCAServices(
      `https://${endpointName(this.#endpoint)}`,
      // Explicit: without tlsOptions fabric-ca-client turns verification off.
      { trustedRoots: [...this.#roots], verify: true },
      this.#caName ?? '',
    );
    this.#routeThroughAddress(services);
    try {
      const out = await services.enroll({
        enrollmentID: request.enrollmentId,
        enrollmentSecret: request.enrollmentSecret,
        csr,
        ...(request.profile !== undefined ? { profile: request.profile } : {}),
        ...(request.attributes !== undefined
          ? {
              attr_reqs: request.attributes.map((a) => ({
                name: a.name,
                optional: a.optional ?? false,
              })),
            }
          : {}),
      });
      return { certificate: out.certificate, caChain: out.rootCertificate };
    } catch (err) {
      throw this.#translate(err, 'enroll');
    }
  }

  // fabric-ca-client dials the URL's hostname and has no option for another address; give its
  // HTTPS client our lookup so the socket goes to the mapped address while TLS still checks the
  // hostname against the CA certificate.
  #routeThroughAddress(services: unknown): void {
    const lookup = lookupFor(this.#endpoint);
    const inner = (services as { _fabricCAClient?: { _httpClient?: unknown } })._fabricCAClient;
    if (lookup === undefined || inner === undefined) {
      return;
    }
    const timeout = this.#timeoutMs;
    inner._httpClient = {
      request: (options: Record<string, unknown>, callback: (res: unknown) => void) =>
        httpsRequest({ ...options, lookup, timeout }, callback),
    };
  }

  async reenroll(identity: Readonly<CaIdentity>): Promise<Enrollment> {
    const commonName = new X509Certificate(identity.certificate).subject
      .split('\n')
      .find((l) => l.startsWith('CN='))
      ?.slice(3);
    const csr = await createCsr({ commonName: commonName ?? '', signer: identity.signer });
    const result = await this.#post('reenroll', { certificate_request: csr }, identity);
    return readEnrollment(result);
  }

  async register(request: Readonly<RegisterRequest>): Promise<string> {
    const body: Record<string, unknown> = {
      id: request.enrollmentId,
      type: request.type ?? 'client',
      affiliation: request.affiliation ?? '',
      max_enrollments: request.maxEnrollments ?? 0,
      attrs: (request.attributes ?? []).map((a) => ({
        name: a.name,
        value: a.value,
        ecert: a.ecert ?? false,
      })),
    };
    if (request.enrollmentSecret !== undefined) {
      body.secret = request.enrollmentSecret;
    }
    const result = (await this.#post('register', body, request.registrar)) as { secret?: unknown };
    return typeof result.secret === 'string' ? result.secret : '';
  }

  async revoke(request: Readonly<RevokeRequest>): Promise<RevokeResult> {
    const body: Record<string, unknown> = {
      reason: request.reason ?? '',
      gencrl: request.generateCrl ?? false,
    };
    if (request.certificate !== undefined) {
      const { serial, aki } = serialAndAki(request.certificate);
      body.serial = serial;
      body.aki = aki;
      body.id = '';
    } else if (request.enrollmentId !== undefined) {
      body.id = request.enrollmentId;
    } else {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: 'revoke needs an enrollmentId or a certificate',
      });
    }
    const result = (await this.#post('revoke', body, request.registrar)) as {
      RevokedCerts?: { Serial: string; AKI: string }[];
      CRL?: string;
    };
    return {
      revoked: (result.RevokedCerts ?? []).map((c) => ({
        serial: fabricCaHex(c.Serial),
        aki: fabricCaHex(c.AKI),
      })),
      ...(result.CRL ? { crl: fromB64(result.CRL) } : {}),
    };
  }

  async getCaInfo(): Promise<CaInfo> {
    const result = (await this.#send('POST', 'cainfo', { caname: this.#caName ?? '' })) as {
      CAName?: string;
      CAChain?: string;
      Version?: string;
    };
    return {
      caName: result.CAName ?? '',
      caChain: fromB64(result.CAChain),
      version: result.Version ?? '',
    };
  }

  async #post(
    api: string,
    body: Record<string, unknown>,
    identity: Readonly<CaIdentity>,
  ): Promise<unknown> {
    const payload = { ...body, caname: this.#caName ?? '' };
    const json = JSON.stringify(payload);
    const path = `${API}${api}`;
    // Token per fabric-ca util.GenECDSAToken: b64(cert).b64(sig) with the signature over
    // SHA-256("METHOD.b64(path).b64(body).b64(cert)"); the CA checks the signature is low-S.
    const cert = b64(identity.certificate);
    const signed = `POST.${b64(path)}.${b64(json)}.${cert}`;
    const signature = await identity.signer.sign(createHash('sha256').update(signed).digest());
    return this.#send('POST', api, payload, `${cert}.${b64(signature)}`, json);
  }

  #send(
    method: string,
    api: string,
    body: unknown,
    token?: string,
    json = JSON.stringify(body),
  ): Promise<unknown> {
    const path = `${API}${api}`;
    const lookup = lookupFor(this.#endpoint);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: this.#endpoint.hostname,
          servername: this.#endpoint.hostname,
          port: this.#endpoint.port,
          path,
          method,
          ca: this.#roots,
          rejectUnauthorized: true,
          timeout: this.#timeoutMs,
          ...(lookup !== undefined ? { lookup } : {}),
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(json),
            ...(token !== undefined ? { authorization: token } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: CaResponse;
            try {
              parsed = JSON.parse(text) as CaResponse;
            } catch (cause) {
              reject(
                new CaError({
                  code: 'CA_REJECTED',
                  message: `${this.#name} ${api}: HTTP ${res.statusCode ?? 0} with a non-JSON body`,
                  cause,
                  ...(res.statusCode !== undefined ? { httpStatus: res.statusCode } : {}),
                }),
              );
              return;
            }
            if (parsed.success === true) {
              resolve(parsed.result ?? {});
              return;
            }
            const caErrors = parsed.errors ?? [];
            reject(
              new CaError({
                code: 'CA_REJECTED',
                message: `${this.#name} ${api} refused: ${caErrors.map((e) => `(${e.code}) ${e.message}`).join('; ') || `HTTP ${res.statusCode ?? 0}`}`,
                caErrors,
                ...(res.statusCode !== undefined ? { httpStatus: res.statusCode } : {}),
              }),
            );
          });
        },
      );
      req.on('timeout', () => {
        req.destroy(new Error(`timed out after ${this.#timeoutMs} ms`));
      });
      req.on('error', (cause) => {
        reject(
          new CaError({
            code: 'CA_UNAVAILABLE',
            message: `${this.#name} ${api} unreachable: ${cause.message}`,
            cause,
          }),
        );
      });
      req.end(json);
    });
  }

  #translate(err: unknown, api: string): CaError {
    const caErrors = (err as { errors?: unknown } | null)?.errors;
    const message = err instanceof Error ? err.message : String(err);
    if (Array.isArray(caErrors)) {
      const entries = caErrors as { code: number; message: string }[];
      return new CaError({
        code: 'CA_REJECTED',
        message: `${this.#name} ${api} refused: ${entries.map((e) => `(${e.code}) ${e.message}`).join('; ')}`,
        caErrors: entries,
        cause: err,
      });
    }
    return new CaError({
      code: 'CA_UNAVAILABLE',
      message: `${this.#name} ${api} failed: ${message}`,
      cause: err,
    });
  }
}

/**
 * A client of one Fabric CA with TLS verification always on.
 *
 * @param options - URL, TLS roots, optional dial address and CA name
 * @returns a CA client
 * @throws ConfigError `INVALID_CONFIG` when no PEM TLS roots are given
 * @example
 * ```ts
 * const client = ca.newCaClient({ url: 'https://ca.org1.example:7054', tlsRootCerts: chainPem });
 * const { certificate } = await client.enroll({ enrollmentId: 'app1', enrollmentSecret, signer });
 * ```
 */
export function newCaClient(options: Readonly<CaClientOptions>): CaClient {
  return new CaClientImpl(options);
}

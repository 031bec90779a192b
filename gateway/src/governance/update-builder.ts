/**
 * Building the `common.ConfigUpdate` an approved channel change calls for, with Fabric's own
 * configtxlator: decode the current config, add the voted organisation as an Application group
 * (or drop the removed one), encode, `compute_update`. The new group has the shape the local
 * network's configtx.yaml gives the founding members (Readers, Writers, Admins and Endorsement
 * signature policies by node-OU role, mod_policy Admins), and its MSP value is built from the voted
 * definition only: MSP id, root and TLS root certificates, node OUs certified by the first root.
 *
 * The result is deterministic: configtxlator's Go encoder writes map entries in random order, so
 * the update is decoded and re-encoded with the JavaScript protobuf runtime, which writes map
 * entries sorted by key. Two members building the same change on the same config get the same
 * bytes, hence the same update id, and the contract keeps one update for both.
 */
import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import {
  canonicalMspDefinition,
  MspDefinitionError,
  type MspDefinition,
} from '@oracle-consortium/protocol';
import { GovernanceError, InputError } from '../errors';
import type { ChannelConfig } from './channel-config';
import type { Configtxlator } from './configtxlator';

/** The part of an approved channel change the update is built from. */
export interface ChannelChangeSpec {
  /** Add or remove an organisation. */
  readonly action: 'ADD_ORG' | 'REMOVE_ORG';
  /** The organisation's MSP id. */
  readonly mspId: string;
  /** With ADD_ORG: the voted MSP definition. */
  readonly mspDefinition?: MspDefinition;
}

/** A config update ready to be signed. */
export interface BuiltUpdate {
  /** The channel. */
  readonly channelName: string;
  /** The serialized `common.ConfigUpdate`, deterministic for a given change and config. */
  readonly configUpdate: Uint8Array;
  /** Lowercase hex SHA-256 of `configUpdate`: the contract's update id. */
  readonly updateId: string;
  /** The config sequence the update was computed against. */
  readonly baseSequence: bigint;
}

/**
 * Lowercase hex SHA-256 of a config update: its id on the chain.
 *
 * @param configUpdate - the serialized `common.ConfigUpdate`
 * @returns 64 hex digits
 */
export function updateIdOf(configUpdate: Uint8Array): string {
  return createHash('sha256').update(configUpdate).digest('hex');
}

/**
 * PEM text of a base64 DER certificate, wrapped at 64 characters as Fabric writes it.
 *
 * @param base64Der - the certificate as base64 DER
 * @returns the PEM block with a trailing newline
 */
export function pemOf(base64Der: string): string {
  const lines = base64Der.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function signaturePolicy(mspId: string, roles: readonly string[]): unknown {
  return {
    mod_policy: 'Admins',
    policy: {
      type: 1,
      value: {
        identities: roles.map((role) => ({
          principal: { msp_identifier: mspId, role },
          principal_classification: 'ROLE',
        })),
        rule: { n_out_of: { n: 1, rules: roles.map((_r, i) => ({ signed_by: i })) } },
        version: 0,
      },
    },
    version: '0',
  };
}

/**
 * The Application organisation group for a voted MSP definition, in configtxlator's JSON.
 * Without node OUs an identity has no client or peer role, so Readers, Writers and Endorsement then
 * name any member of the MSP.
 *
 * @param definition - the voted definition (any encoding; canonicalised here)
 * @returns the `common.ConfigGroup` JSON
 * @throws InputError `INVALID_INPUT` when the definition has no canonical form
 */
export function organizationGroup(definition: MspDefinition): unknown {
  let def: MspDefinition;
  try {
    def = canonicalMspDefinition(definition);
  } catch (err) {
    if (err instanceof MspDefinitionError) {
      throw new InputError({
        code: 'INVALID_INPUT',
        message: `the MSP definition of ${definition.mspId} is not usable: ${err.message}`,
        cause: err,
      });
    }
    throw err;
  }
  const id = def.mspId;
  const roots = def.rootCerts.map((c) => b64(pemOf(c)));
  const tlsRoots = def.tlsRootCerts.map((c) => b64(pemOf(c)));
  const firstRoot = roots[0] ?? '';
  const ou = (name: string) => ({ certificate: firstRoot, organizational_unit_identifier: name });
  const [admin, peer, client, member] = ['ADMIN', 'PEER', 'CLIENT', 'MEMBER'] as const;
  return {
    groups: {},
    mod_policy: 'Admins',
    policies: {
      Admins: signaturePolicy(id, [admin]),
      Endorsement: signaturePolicy(id, def.nodeOUs ? [peer] : [member]),
      Readers: signaturePolicy(id, def.nodeOUs ? [admin, peer, client] : [member]),
      Writers: signaturePolicy(id, def.nodeOUs ? [admin, client] : [member]),
    },
    values: {
      MSP: {
        mod_policy: 'Admins',
        value: {
          config: {
            admins: [],
            crypto_config: {
              identity_identifier_hash_function: 'SHA256',
              signature_hash_family: 'SHA2',
            },
            ...(def.nodeOUs
              ? {
                  fabric_node_ous: {
                    admin_ou_identifier: ou('admin'),
                    client_ou_identifier: ou('client'),
                    enable: true,
                    orderer_ou_identifier: ou('orderer'),
                    peer_ou_identifier: ou('peer'),
                  },
                }
              : {}),
            intermediate_certs: [],
            name: id,
            organizational_unit_identifiers: [],
            revocation_list: [],
            root_certs: roots,
            signing_identity: null,
            tls_intermediate_certs: [],
            tls_root_certs: tlsRoots,
          },
          type: 0,
        },
        version: '0',
      },
    },
    version: '0',
  };
}

type Json = Record<string, unknown>;

function applicationGroups(config: unknown, channelName: string): Json {
  const groups = (((config as Json).channel_group as Json | undefined)?.groups as Json | undefined)
    ?.Application as Json | undefined;
  const orgs = groups?.groups as Json | undefined;
  if (typeof orgs !== 'object') {
    throw new GovernanceError({
      code: 'CONFIG_UPDATE_INVALID',
      message: `the config of channel ${channelName} has no Application group`,
    });
  }
  return orgs;
}

/**
 * Serializes a config update the same way every time: decoded and re-encoded with sorted map keys.
 *
 * @param configUpdate - a serialized `common.ConfigUpdate` from any encoder
 * @returns its deterministic encoding
 * @throws GovernanceError `CONFIG_UPDATE_INVALID` when the bytes are not a ConfigUpdate
 */
export function canonicalConfigUpdate(configUpdate: Uint8Array): Uint8Array {
  try {
    return common.ConfigUpdate.deserializeBinary(configUpdate).serializeBinary();
  } catch (cause) {
    throw new GovernanceError({
      code: 'CONFIG_UPDATE_INVALID',
      message: 'the bytes are not a common.ConfigUpdate',
      cause,
    });
  }
}

/**
 * Builds the config update that carries out a channel change on the given config.
 *
 * @param change - ADD_ORG with the voted MSP definition, or REMOVE_ORG
 * @param config - the channel's current config ({@link readChannelConfig})
 * @param tool - the configtxlator runner
 * @returns the deterministic update, its id and the sequence it is based on
 * @throws InputError `INVALID_INPUT` when an ADD_ORG has no definition, a definition for another
 *   MSP id, or one without canonical form
 * @throws GovernanceError `CHANGE_ALREADY_IN_CONFIG` when the config already has (ADD_ORG) or lacks
 *   (REMOVE_ORG) the organisation
 * @throws GovernanceError `CONFIGTXLATOR_FAILED` when configtxlator fails
 * @example
 * ```ts
 * const config = await governance.readChannelConfig(conn);
 * const update = await governance.buildChannelUpdate(change, config, governance.newConfigtxlator());
 * ```
 */
export async function buildChannelUpdate(
  change: Readonly<ChannelChangeSpec>,
  config: Readonly<ChannelConfig>,
  tool: Configtxlator,
): Promise<BuiltUpdate> {
  let group: unknown;
  if (change.action === 'ADD_ORG') {
    if (change.mspDefinition === undefined) {
      throw new InputError({
        code: 'INVALID_INPUT',
        message: `the ADD_ORG change of ${change.mspId} carries no MSP definition`,
      });
    }
    if (change.mspDefinition.mspId !== change.mspId) {
      throw new InputError({
        code: 'INVALID_INPUT',
        message: `the ADD_ORG change of ${change.mspId} carries a definition for ${change.mspDefinition.mspId}`,
      });
    }
    group = organizationGroup(change.mspDefinition);
  } else if ((change.action as string) !== 'REMOVE_ORG') {
    // The record comes from the chain as JSON: a newer contract could name an action this
    // library does not know, which must not be read as a removal.
    throw new InputError({
      code: 'INVALID_INPUT',
      message: `unknown channel change action ${change.action as string}`,
    });
  }
  const present = config.organizations.includes(change.mspId);
  if (present === (change.action === 'ADD_ORG')) {
    throw new GovernanceError({
      code: 'CHANGE_ALREADY_IN_CONFIG',
      message: `channel ${config.channelName} at sequence ${config.sequence} ${present ? 'already has' : 'does not have'} organisation ${change.mspId}`,
      currentSequence: config.sequence,
    });
  }
  const json = await tool.decode('common.Config', config.config);
  const orgs = applicationGroups(json, config.channelName);
  if (group === undefined) {
    Reflect.deleteProperty(orgs, change.mspId);
  } else {
    orgs[change.mspId] = group;
  }
  const updated = await tool.encode('common.Config', json);
  const raw = await tool.computeUpdate(config.channelName, config.config, updated);
  const configUpdate = canonicalConfigUpdate(raw);
  return {
    channelName: config.channelName,
    configUpdate,
    updateId: updateIdOf(configUpdate),
    baseSequence: config.sequence,
  };
}

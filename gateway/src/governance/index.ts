/**
 * Carrying out approved channel changes: read the channel config, build the update with
 * configtxlator, sign it with any signer, submit it to the orderers, and the per-member agent that
 * does all of it through the membership contract; grouped as the `governance` namespace.
 */
export { readChannelConfig, decodeConfigBlock } from './channel-config';
export { newConfigtxlator } from './configtxlator';
export {
  buildChannelUpdate,
  organizationGroup,
  canonicalConfigUpdate,
  updateIdOf,
} from './update-builder';
export { signConfigUpdate, checkConfigSignature } from './config-signature';
export { configUpdateEnvelope, applyConfigUpdate, classifyConfigRefusal } from './apply-update';
export { decideNextAction, currentUpdateOf, changeInConfig } from './agent-decision';
export { newGovernanceAgent, isRetryableRefusal } from './agent';

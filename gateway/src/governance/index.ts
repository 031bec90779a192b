/**
 * Carrying out approved channel changes: read the channel config, build the update with
 * configtxlator, sign it with any signer, submit it to the orderers, and the per-member agent that
 * does all of it through the membership contract, and the chaincode definitions that follow the
 * channel's members through `_lifecycle`; grouped as the `governance` namespace.
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
export {
  readMemberOrPolicy,
  memberOrEnvelope,
  memberOrText,
  memberSetsOver,
  planPolicy,
  planDefinition,
} from './definition-policy';
export { decideDefinitionAction, majorityOf } from './definition-decision';
export {
  queryCommittedDefinitions,
  queryApprovedDefinition,
  queryInstalledPackageId,
  checkCommitReadiness,
  approveDefinitionForMyOrg,
  commitDefinition,
  sameDefinition,
} from './lifecycle';
export { followDefinitions, lifecycleOperations } from './definition-follower';
export {
  formatAgentStep,
  formatDefinitionStep,
  formatDecision,
  agentStepRecord,
  definitionStepRecord,
  decisionRecord,
} from './step-format';

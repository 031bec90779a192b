/**
 * The MSP-definition canonical form and hash against the shared vectors: every encoding of one
 * definition hashes alike, every change of substance hashes differently, and each bad definition
 * is refused with its code. The chaincode runs these very functions (see
 * test/unit/membership/msp-definition.test.ts for the contract's side).
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  MSP_DEFINITION_DOMAIN,
  MspDefinitionError,
  canonicalJson,
  canonicalMspDefinition,
  mspDefinitionHash,
} from '@oracle-consortium/protocol';
import { mspVectors } from '../../support/msp-vectors';

const { equivalent } = mspVectors;

describe('MSP definition canonical form and hash', () => {
  it('uses the domain prefix the vectors record', () => {
    expect(MSP_DEFINITION_DOMAIN).to.equal(mspVectors.domain);
  });

  it('hashes the domain and the canonical JSON with SHA-256', () => {
    const expected = createHash('sha256')
      .update(mspVectors.domain + canonicalJson(equivalent.expectedCanonical), 'utf8')
      .digest('hex');
    expect(expected).to.equal(equivalent.expectedHash);
  });

  for (const v of equivalent.inputs) {
    it(`canonicalises ${v.name} to the recorded form`, () => {
      expect(canonicalMspDefinition(v.input)).to.deep.equal(equivalent.expectedCanonical);
    });

    it(`hashes ${v.name} to the recorded hash`, () => {
      expect(mspDefinitionHash(v.input)).to.equal(equivalent.expectedHash);
    });
  }

  it('keeps a canonical definition unchanged when canonicalised again', () => {
    const once = canonicalMspDefinition(equivalent.expectedCanonical);
    expect(once).to.deep.equal(equivalent.expectedCanonical);
  });

  for (const v of mspVectors.distinct) {
    it(`hashes a definition with ${v.name} to its own recorded hash`, () => {
      const hash = mspDefinitionHash(v.input);
      expect(hash).to.equal(v.expectedHash);
      expect(hash).to.not.equal(equivalent.expectedHash);
    });
  }

  for (const v of mspVectors.invalid) {
    it(`refuses ${v.name} with ${v.expectedCode}`, () => {
      let caught: unknown;
      try {
        mspDefinitionHash(v.input);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(MspDefinitionError);
      expect((caught as MspDefinitionError).code).to.equal(v.expectedCode);
      expect((caught as MspDefinitionError).message)
        .to.be.a('string')
        .and.not.equal('');
    });
  }
});

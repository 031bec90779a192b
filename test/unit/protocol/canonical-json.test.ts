import { expect } from 'chai';
import { canonicalJson, MAX_JSON_DEPTH, toBytes } from '@oracle-consortium/protocol';
import { premiumHash } from '../../../chaincode/src/feeds/lib/premium';
import { ChaincodeError } from '../../../chaincode/src/lib/errors';

const SALT = 'ab'.repeat(32);

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).to.equal(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('keeps a "__proto__" member as a member instead of setting the prototype', () => {
    const parsed = JSON.parse('{"a":1,"__proto__":{"x":2}}') as unknown;
    expect(canonicalJson(parsed)).to.equal('{"__proto__":{"x":2},"a":1}');
    expect(canonicalJson(parsed)).to.not.equal(canonicalJson({ a: 1 }));
  });

  it(`refuses nesting deeper than ${String(MAX_JSON_DEPTH)} levels`, () => {
    const deep = JSON.parse(
      '['.repeat(MAX_JSON_DEPTH + 2) + ']'.repeat(MAX_JSON_DEPTH + 2),
    ) as unknown;
    expect(() => canonicalJson(deep)).to.throw(TypeError, /nested deeper/);
    const ok = JSON.parse('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)) as unknown;
    expect(canonicalJson(ok)).to.equal('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH));
  });

  it('writes the same text as UTF-8 bytes', () => {
    expect(Buffer.from(toBytes({ b: 'é', a: 1 })).toString('utf8')).to.equal('{"a":1,"b":"é"}');
  });
});

describe('premium commitment', () => {
  it('differs between a value and the same value with an extra "__proto__" member', () => {
    const withProto = JSON.parse('{"a":1,"__proto__":{"x":2}}') as unknown;
    expect(premiumHash(SALT, withProto)).to.not.equal(premiumHash(SALT, { a: 1 }));
  });

  it('rejects a premium value nested too deep with MALFORMED_INPUT', () => {
    const deep = JSON.parse('['.repeat(200) + ']'.repeat(200)) as unknown;
    expect(() => premiumHash(SALT, deep))
      .to.throw(ChaincodeError)
      .with.property('code', 'MALFORMED_INPUT');
  });
});

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

describe('README', () => {
  it('shows the gateway quickstart exactly as gateway/examples/quickstart.ts has it', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const example = readFileSync(path.join(root, 'gateway', 'examples', 'quickstart.ts'), 'utf8');
    const match = /<!-- quickstart:begin -->\n```ts\n([\s\S]*?)```\n<!-- quickstart:end -->/.exec(
      readme,
    );
    expect(match, 'README has no quickstart block').to.not.equal(null);
    expect(match?.[1]).to.equal(example);
  });
});

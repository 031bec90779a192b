/**
 * The one command runner of the scripts and tests (scripts/lib/run-command.ts), on real `bash`
 * processes: how a command ended, and the error a required command throws.
 */
import { expect } from 'chai';
import {
  CommandError,
  networkShCommand,
  NETWORK_SH,
  runChecked,
  runCommand,
} from '../../../scripts/lib/run-command';

describe('run-command', () => {
  it('reports the exit code and both streams of a failing command without throwing', async () => {
    const r = await runCommand(['bash', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).to.deep.equal({ code: 3, signal: null, out: 'out\n', err: 'err\n' });
  });

  it('reports the signal that ended a command, with a null code', async () => {
    const r = await runCommand(['bash', '-c', 'kill -TERM $$']);
    expect(r.code).to.equal(null);
    expect(r.signal).to.equal('SIGTERM');
  });

  it('reports a program that does not exist as exit code 127, naming it', async () => {
    const r = await runCommand(['no-such-program-here']);
    expect(r.code).to.equal(127);
    expect(r.err).to.contain('no-such-program-here');
  });

  it('reports a command Node ended for too much output with no exit code, naming the reason', async () => {
    const r = await runCommand(['head', '-c', '17000000', '/dev/zero']);
    expect(r.code).to.equal(null);
    expect(r.err).to.match(/maxBuffer/i);
  });

  it('sets the given variables and removes the ones given as undefined', async () => {
    process.env.RUN_COMMAND_TEST_GONE = 'still here';
    try {
      const r = await runCommand(
        ['bash', '-c', 'echo "${RUN_COMMAND_TEST_SET}/${RUN_COMMAND_TEST_GONE:-unset}"'],
        { env: { RUN_COMMAND_TEST_SET: 'set', RUN_COMMAND_TEST_GONE: undefined } },
      );
      expect(r.out).to.equal('set/unset\n');
    } finally {
      delete process.env.RUN_COMMAND_TEST_GONE;
    }
  });

  it('throws a CommandError naming the command, its exit code and the last five stderr lines', async () => {
    const command = ['bash', '-c', 'for i in 1 2 3 4 5 6 7; do echo "line $i" >&2; done; exit 4'];
    const err = await runChecked(command).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CommandError);
    const e = err as CommandError;
    expect(e.command).to.deep.equal(command);
    expect(e.code).to.equal(4);
    expect(e.signal).to.equal(null);
    expect(e.stderrTail).to.equal('line 3\nline 4\nline 5\nline 6\nline 7');
    expect(e.message).to.equal(
      `${command.join(' ')} exited 4:\nline 3\nline 4\nline 5\nline 6\nline 7`,
    );
  });

  it('names network.sh by its name in the error, not by its path', async () => {
    const command = networkShCommand('no-such-command');
    expect(command).to.deep.equal(['bash', NETWORK_SH, 'no-such-command']);
    const err = await runChecked(command).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CommandError);
    expect((err as CommandError).message).to.match(/^network\.sh no-such-command exited 2:/);
  });

  it('returns the output of a command that succeeds', async () => {
    const r = await runChecked(['bash', '-c', 'echo fine']);
    expect(r).to.deep.equal({ code: 0, signal: null, out: 'fine\n', err: '' });
  });
});

/**
 * The gate on the logging of fabric-shim and fabric-contract-api (chaincode/src/lib/shim-logging):
 * a message below the level never reaches winston's formats or transport, and what is at or above
 * it prints as before.
 */
import { expect } from 'chai';
import * as sinon from 'sinon';
import { gateShimLogging } from '../../../chaincode/src/lib/shim-logging';

interface ShimLogger {
  level: string;
  format: { transform: (info: unknown, opts?: unknown) => unknown };
  transports: { log?: (info: unknown, next: () => void) => void }[];
  debug: (...args: unknown[]) => void;
  info: (...args: unknown[]) => void;
  warn: (...args: unknown[]) => void;
  error: (...args: unknown[]) => void;
}

describe('fabric-shim logging gate', () => {
  const saved = process.env.CORE_CHAINCODE_LOGGING_LEVEL;
  let logger: ShimLogger;
  before(() => {
    process.env.CORE_CHAINCODE_LOGGING_LEVEL = 'WARNING';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const shimLogger = require('fabric-shim/lib/logger') as {
      getLogger: (name: string) => ShimLogger;
    };
    logger = shimLogger.getLogger('shim-logging-test');
  });
  after(() => {
    if (saved === undefined) delete process.env.CORE_CHAINCODE_LOGGING_LEVEL;
    else process.env.CORE_CHAINCODE_LOGGING_LEVEL = saved;
    sinon.restore();
  });

  it('finds the winston copies of fabric-shim and fabric-contract-api, and a second call leaves one gate on each', () => {
    expect(gateShimLogging()).to.equal(2);
    expect(gateShimLogging()).to.equal(2);
  });

  it('drops debug and info messages before formatting them, and formats and writes warnings and errors', () => {
    gateShimLogging();
    expect(logger.level).to.equal('warn');
    const transform = sinon.spy(logger.format, 'transform');
    const transport = logger.transports[0];
    expect(transport?.log).to.be.a('function');
    const written = sinon
      .stub(transport as { log: (info: unknown, next: () => void) => void }, 'log')
      .callsFake((_info, next) => {
        next();
      });
    logger.debug('a debug message with %s', 'an argument', { meta: 1 });
    logger.debug('a debug message');
    logger.info('an info message');
    expect(transform.callCount).to.equal(0);
    expect(written.callCount).to.equal(0);
    logger.warn('a warning with %s', 'an argument');
    logger.error('an error');
    expect(transform.callCount).to.equal(2);
    expect(written.callCount).to.equal(2);
    const first = written.firstCall.args[0] as { level: string; message: string };
    expect(first.message).to.contain('a warning with');
  });

  it('gates fabric-contract-api’s own winston too', () => {
    gateShimLogging();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const apiLogger = require('fabric-contract-api/lib/logger') as {
      getLogger: (name: string) => ShimLogger;
    };
    const contractLogger = apiLogger.getLogger('shim-logging-test-api');
    const transform = sinon.spy(contractLogger.format, 'transform');
    contractLogger.debug('a debug message with %s', 'an argument');
    contractLogger.info('an info message');
    expect(transform.callCount).to.equal(0);
  });
});

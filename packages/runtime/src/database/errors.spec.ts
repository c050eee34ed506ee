import { isUnavailableError, messageOf } from './errors';

describe('what counts as an unavailable database', () => {
  const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a host that does not resolve', withCode('ENOTFOUND')],
    ['a server shutting down', withCode('57P01', 'terminating connection due to administrator command')],
    ['a server starting up', withCode('57P03', 'the database system is starting up')],
    ['a connection exception class', withCode('08006')],
    ['too many connections', withCode('53300')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('timeout exceeded when trying to connect')],
    ['every address refused', Object.assign(new Error(''), { errors: [withCode('ECONNREFUSED'), withCode('ECONNREFUSED')] })],
  ])('%s is unavailable', (_what, error) => {
    expect(isUnavailableError(error)).toBe(true);
  });

  it.each([
    ['a syntax error', withCode('42601', 'syntax error at or near "SELEC"')],
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint "orders_pkey"')],
    ['a missing table', withCode('42P01', 'relation "nope" does not exist')],
    ['a plain error', new Error('something else')],
    ['not an error', 'ECONNREFUSED'],
  ])('%s is not', (_what, error) => {
    expect(isUnavailableError(error)).toBe(false);
  });

  it('reads the message of an error from any realm, else its code', () => {
    expect([messageOf({ message: 'connect ECONNREFUSED 127.0.0.1:1' }), messageOf({ message: '', code: 'ECONNREFUSED' }), messageOf(42)]).toEqual([
      'connect ECONNREFUSED 127.0.0.1:1',
      'ECONNREFUSED',
      '42',
    ]);
  });
});

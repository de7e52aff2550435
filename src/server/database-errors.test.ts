import { GraphQLError } from 'graphql';
import { createErrorFormatter } from './format-error';
import { classifyDatabaseError } from '../db/database-errors';

const pgError = (code: string, message: string) => Object.assign(new Error(`select 1 - ${message}`), { code });

it.each([
  ['22021', 'invalid byte sequence for encoding "UTF8": 0x00', 'client'],
  ['22003', 'value "9999999999999999999" is out of range for type bigint', 'client'],
  ['22001', 'value too long for type character varying(64)', 'client'],
  ['54000', 'index row size 3016 exceeds btree version 4 maximum 2704', 'client'],
  ['57014', 'canceling statement due to statement timeout', 'unavailable'],
  ['08006', 'connection failure', 'unavailable'],
  ['57P03', 'the database system is starting up', 'unavailable'],
  ['23505', 'duplicate key value violates unique constraint', null],
  ['42P01', 'relation "nowhere" does not exist', null],
])('SQLSTATE %s (%s) is a %s failure', (code, message, failure) => {
  expect(classifyDatabaseError(pgError(code, message))).toBe(failure);
});

it.each([
  [new Error('select 1 - Query read timeout'), 'unavailable'],
  [new Error('timeout exceeded when trying to connect'), 'unavailable'],
  [new Error('timeout expired'), 'unavailable'],
  [Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }), 'unavailable'],
  [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'unavailable'],
  [new TypeError('Cannot read properties of undefined'), null],
  ['not an error', null],
])('%s is a %s failure', (error, failure) => {
  expect(classifyDatabaseError(error)).toBe(failure);
});

describe('the error formatter', () => {
  const logged: unknown[] = [];
  const warned: unknown[] = [];
  const format = createErrorFormatter({ exposeDetails: false, log: (e) => logged.push(e), warn: (e) => warned.push(e) });
  const formatted = (cause: unknown) => {
    const error = new GraphQLError('wrapped', { originalError: cause as Error, path: ['processor'] });
    return format({ message: error.message, path: ['processor'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
  };

  it('answers a value the database refused as BAD_USER_INPUT, and logs nothing', () => {
    expect(formatted(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))).toEqual({
      message: 'The database refused a value of this request: a text holds a character the database cannot store, such as NUL (\\u0000) (SQLSTATE 22021)',
      path: ['processor'],
      extensions: { code: 'BAD_USER_INPUT', reason: '22021' },
    });
    expect(logged).toEqual([]);
  });

  it('never passes on the statement the driver puts in front of its message', () => {
    const cause = Object.assign(
      new Error(`select to_char(day, 'YYYY-MM-DD') as day, country\nfrom age_gate_count where day >= '0000-01-01' - date/time field value out of range: "0000-01-01"`),
      { code: '22008' },
    );
    expect(formatted(cause).message).toBe('The database refused a value of this request: a date or time is outside the range the database accepts (SQLSTATE 22008)');
    expect(formatted(Object.assign(new Error('insert into "x" values (1) - something new'), { code: '22999' })).message).toBe(
      'The database refused a value of this request: a value is not one the database accepts (SQLSTATE 22999)',
    );
  });

  it('answers a database that does not answer as SERVICE_UNAVAILABLE, with a warning and no error', () => {
    const cause = pgError('57014', 'canceling statement due to statement timeout');
    expect(formatted(cause).extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(warned).toEqual([cause]);
    expect(logged).toEqual([]);
  });

  it('logs what is unexpected and hides it', () => {
    const cause = new TypeError('boom');
    expect(formatted(cause)).toEqual({ message: 'Internal server error', path: ['processor'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(logged).toEqual([cause]);
  });
});

// Each request's logger is made on its first line: below the logger's level nothing is made or written, and what is
// written carries the request's bindings as pino's child would.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { pino } from 'pino';
import { requestLogger } from '../../src/http/requestLogger.ts';

it('writes at or above the level with the request bindings, and makes no child below it', () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  const parent = pino({ level: 'warn' }, sink);
  let children = 0;
  const child = parent.child.bind(parent);
  parent.child = ((...args: Parameters<typeof parent.child>) => (children++, child(...args))) as typeof parent.child;
  const log = requestLogger(parent, { reqId: 'abc' }, {});
  log.info({ x: 1 }, 'quiet');
  log.debug('quieter');
  assert.equal(children, 0, 'nothing below warn makes a child');
  assert.equal(log.level, 'warn');
  log.warn({ y: 2 }, 'loud');
  log.error('louder');
  assert.equal(children, 1, 'one child, made once');
  assert.deepEqual(lines.map((l) => [l.reqId, l.msg, l.level]), [['abc', 'loud', 40], ['abc', 'louder', 50]]);
  assert.equal(lines[0].y, 2);
  log.info('still quiet');
  assert.equal(lines.length, 2);
});

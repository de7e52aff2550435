import express from 'express';
import type { Database } from '../db/database';
import { toAtom, toHtml } from './subprocessor.render';
import { subprocessorList } from './subprocessor.service';

/**
 * The public list of recipients (GDPR Art. 13(1)(e) and (f)) and the policy's notice of changes: `GET /subprocessors`
 * (HTML), `/subprocessors.json` and `/subprocessors.atom`. No token: people must be able to read it, like the
 * privacy policy.
 */
export function subprocessorRouter({
  db,
  clock,
  noticeDays,
  publicUrl,
}: { db: Database; clock: () => Date; noticeDays: number; publicUrl?: string }): express.Router {
  const router = express.Router();
  const listNow = () => subprocessorList(db.orm.em.fork(), clock(), noticeDays);
  // PUBLIC_URL, or links relative to the feed: a request's Host header is the client's to choose, and a cache or a
  // reader could be handed links to any host.
  const baseUrl = publicUrl ?? '';
  router.get('/subprocessors', async (_req, res) => {
    res.type('text/html; charset=utf-8').send(toHtml(await listNow()));
  });
  router.get('/subprocessors.json', async (_req, res) => {
    const { feedId: _feedId, ...list } = await listNow();
    res.json(list);
  });
  router.get('/subprocessors.atom', async (_req, res) => {
    res.type('application/atom+xml; charset=utf-8').send(toAtom(await listNow(), baseUrl));
  });
  return router;
}

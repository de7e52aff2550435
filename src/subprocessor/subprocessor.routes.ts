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
}: { db: Database; clock: () => Date; noticeDays: number }): express.Router {
  const router = express.Router();
  const listNow = () => subprocessorList(db.orm.em.fork(), clock(), noticeDays);
  const baseUrl = (req: express.Request) => `${req.protocol}://${req.get('host')}`;
  router.get('/subprocessors', async (_req, res) => {
    res.type('text/html; charset=utf-8').send(toHtml(await listNow()));
  });
  router.get('/subprocessors.json', async (_req, res) => {
    const { feedId: _feedId, ...list } = await listNow();
    res.json(list);
  });
  router.get('/subprocessors.atom', async (req, res) => {
    res.type('application/atom+xml; charset=utf-8').send(toAtom(await listNow(), baseUrl(req)));
  });
  return router;
}

import express from 'express';
import { HTTP_ACCESS } from '../auth/access';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticate';
import type { Viewer } from '../auth/viewer';
import { logAccessDenied, recordOf } from '../common/request-record';
import type { TransferSettings } from '../common/context';
import { ALL_REGIMES, Regime, regimeParameter } from '../country/regime';
import type { Database } from '../db/database';
import { EmptyMap, renderRopa, type Ropa, type RopaFormat } from './ropa';
import { ropaOf } from './ropa.service';

const DOWNLOADS: { path: keyof typeof HTTP_ACCESS; format: RopaFormat; type: string }[] = [
  { path: '/ropa.csv', format: 'csv', type: 'text/csv; charset=utf-8' },
  { path: '/ropa.md', format: 'md', type: 'text/markdown; charset=utf-8' },
  { path: '/ropa.json', format: 'json', type: 'application/json; charset=utf-8' },
];

function refuse(logger: Logger, res: express.Response, status: 401 | 403, code: string, message: string) {
  const record = recordOf(res);
  record.errorCodes.push(code);
  logAccessDenied(logger, record, code, message);
  if (status === 401) res.set('www-authenticate', 'Bearer');
  res.status(status).json({ error: { code, message } });
}

/**
 * The record of processing as files, for the privacy officer and auditors: `GET /ropa.csv`, `/ropa.md` and
 * `/ropa.json`, under the regime `?regime=UK_GDPR` names (EU_GDPR by default).
 */
export function ropaRouter({
  db,
  authenticate,
  logger,
  clock = () => new Date(),
  transfers,
}: {
  db: Database;
  authenticate: Authenticator;
  logger: Logger;
  clock?: () => Date;
  transfers?: TransferSettings;
}): express.Router {
  const router = express.Router();
  for (const { path, format, type } of DOWNLOADS) {
    router.get(path, async (req, res) => {
      let viewer: Viewer | null;
      try {
        viewer = await authenticate(req.get('authorization'));
      } catch (error) {
        return refuse(logger, res, 401, 'UNAUTHENTICATED', error instanceof Error ? error.message : 'Invalid token');
      }
      if (!viewer) return refuse(logger, res, 401, 'UNAUTHENTICATED', `${path} needs a token: send Authorization: Bearer <token>`);
      const allowed: readonly string[] = HTTP_ACCESS[path];
      recordOf(res).viewer = viewer;
      if (!viewer.roles.some((role) => allowed.includes(role))) {
        return refuse(logger, res, 403, 'FORBIDDEN', `${path} is for ${allowed.join(' and ')}; this token has ${viewer.roles.join(', ') || 'no roles'}`);
      }
      const regime = regimeParameter(req.query.regime);
      if (!regime) {
        const message = `regime: ${JSON.stringify(req.query.regime)} is not a regime; use one of ${ALL_REGIMES.join(', ')}`;
        recordOf(res).errorCodes.push('BAD_USER_INPUT');
        return res.status(400).json({ error: { code: 'BAD_USER_INPUT', message } });
      }
      let ropa: Ropa;
      try {
        ropa = await ropaOf(db.orm.em.fork(), { regime, now: clock(), settings: transfers });
      } catch (error) {
        if (error instanceof EmptyMap) return res.status(404).json({ error: { code: 'NOT_FOUND', message: error.message } });
        throw error;
      }
      const body = renderRopa(ropa, format);
      const name = regime === Regime.EU_GDPR ? 'ropa' : `ropa-${regime.toLowerCase().replace('_', '-')}`;
      res.type(type).set('content-disposition', `attachment; filename="${name}.${format}"`).send(body);
    });
  }
  return router;
}

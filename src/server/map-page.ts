import express from 'express';
import { projectPath } from '../common/project-path';

/**
 * The data-map page and everything it loads, from this service's own files and node_modules: no CDN, so it
 * works offline and behind a firewall. The page reads the map through the GraphQL API with the caller's token.
 */
const assets: Record<string, string> = {
  'cytoscape.js': require.resolve('cytoscape/dist/cytoscape.min.js'),
  'token.js': projectPath('public', 'token.js'),
  'map.js': projectPath('public', 'map.js'),
  'map.css': projectPath('public', 'map.css'),
};

const FAVICON = projectPath('public', 'favicon.svg');

export function mapPageRouter(): express.Router {
  const router = express.Router();
  // The service's front page is the map.
  router.get('/', (_req, res) => res.redirect(302, '/map'));
  router.get('/map', (_req, res) => {
    res.sendFile(projectPath('public', 'map.html'));
  });
  // Browsers ask for /favicon.ico on every page (the explorer and /subprocessors too); an SVG serves both names.
  router.get(['/favicon.svg', '/favicon.ico'], (_req, res) => {
    res.type('image/svg+xml').sendFile(FAVICON, { maxAge: '1d' });
  });
  router.get('/map/assets/:asset', (req, res) => {
    if (!Object.hasOwn(assets, req.params.asset)) {
      res.status(404).end();
      return;
    }
    res.sendFile(assets[req.params.asset], { maxAge: '1h' });
  });
  return router;
}

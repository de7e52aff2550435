import { dirname, join } from 'node:path';
import express from 'express';
import { projectPath } from '../common/project-path';

/**
 * The data-map page and everything it loads, from this service's own files and node_modules: no CDN, so it
 * works offline and behind a firewall. The page reads the map through the GraphQL API with the caller's token.
 */
const assets: Record<string, string> = {
  'cytoscape.js': join(dirname(require.resolve('cytoscape')), 'cytoscape.min.js'),
  'cytoscape-dagre.js': join(dirname(require.resolve('cytoscape-dagre')), 'cytoscape-dagre.min.js'),
  'token.js': projectPath('public', 'token.js'),
  'map.js': projectPath('public', 'map.js'),
  'map.css': projectPath('public', 'map.css'),
};

export function mapPageRouter(): express.Router {
  const router = express.Router();
  router.get('/map', (_req, res) => {
    res.sendFile(projectPath('public', 'map.html'));
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

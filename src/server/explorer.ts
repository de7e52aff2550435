import { dirname, join } from 'node:path';
import express from 'express';
import { projectPath } from '../common/project-path';

/**
 * GraphiQL served from this process's own node_modules: Apollo's landing page loads from a CDN that users
 * behind a firewall cannot reach, and a blank page helps no one.
 */
// A Map, not an object: a name from the URL such as `__proto__` or `constructor` must not find inherited members.
const assets = new Map<string, string>([
  ['react.js', join(dirname(require.resolve('react/package.json')), 'umd', 'react.production.min.js')],
  ['react-dom.js', join(dirname(require.resolve('react-dom/package.json')), 'umd', 'react-dom.production.min.js')],
  ['graphiql.js', join(dirname(require.resolve('graphiql/package.json')), 'graphiql.min.js')],
  ['graphiql.css', join(dirname(require.resolve('graphiql/package.json')), 'graphiql.min.css')],
  ['token.js', projectPath('public', 'token.js')],
  ['explorer.js', projectPath('public', 'explorer.js')],
  ['explorer.css', projectPath('public', 'explorer.css')],
]);

/** The command that prints a token for a local server, as the explorer and the map page show it. */
export const TOKEN_COMMAND = 'npm run --silent token -- --role VIEWER --sub you@pythonmaster.com';

const EXAMPLE = `# datamap: where PythonMaster's personal data goes.
#
# Every request needs a token. Make one in a terminal:
#   ${TOKEN_COMMAND}
# then open Headers (below) and paste:
#   {"Authorization": "Bearer <the token>"}
query ExplorerExample {
  processors(receives: "financial", status: ACTIVE) {
    nodes { key name locations { country { code } mechanism reference } }
  }
}
`;

/** Text for a double-quoted HTML attribute. */
const attribute = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// No inline script or style: the Content-Security-Policy (src/server/transport.ts) allows the service's own files
// only, so the example query travels in a data attribute.
const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>datamap explorer</title>
  <link rel="stylesheet" href="/explorer/graphiql.css" />
  <link rel="stylesheet" href="/explorer/explorer.css" />
</head>
<body>
  <div id="no-token" hidden>
    No token yet: every request needs one. In a terminal, run <code>${TOKEN_COMMAND}</code>,
    then paste <code>{"Authorization": "Bearer &lt;the token&gt;"}</code> under <b>Headers</b>.
    The map page is at <a href="/map">/map</a>.
  </div>
  <div id="explorer" data-default-query="${attribute(EXAMPLE)}">Loading the explorer…</div>
  <script src="/explorer/react.js"></script>
  <script src="/explorer/react-dom.js"></script>
  <script src="/explorer/graphiql.js"></script>
  <script src="/explorer/token.js"></script>
  <script src="/explorer/explorer.js"></script>
</body>
</html>`;

export function explorerRouter(): express.Router {
  const router = express.Router();
  router.get('/explorer/:asset', (req, res) => {
    const file = assets.get(req.params.asset);
    if (!file) {
      res.status(404).end();
      return;
    }
    res.sendFile(file, { maxAge: '1d' });
  });
  // A browser asking for /graphql gets the explorer; API clients POST there, or GET with a query.
  router.get('/graphql', (req, res, next) => {
    if (req.query.query || !req.accepts('html')) return next();
    res.type('html').send(page);
  });
  return router;
}

import { dirname, join } from 'node:path';
import express from 'express';

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
]);

const EXAMPLE = `# datamap: where PythonMaster's personal data goes.
# Add your token under Headers: {"Authorization": "Bearer <token>"} (npm run token -- --role VIEWER)
{
  processors(receives: "financial", status: ACTIVE) {
    nodes { key name locations { country { code } mechanism reference } }
  }
}
`;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>datamap explorer</title>
  <link rel="stylesheet" href="/explorer/graphiql.css" />
  <style>body { margin: 0; height: 100vh; } #explorer { height: 100vh; }</style>
</head>
<body>
  <div id="explorer">Loading the explorer…</div>
  <script src="/explorer/react.js"></script>
  <script src="/explorer/react-dom.js"></script>
  <script src="/explorer/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
    ReactDOM.createRoot(document.getElementById('explorer')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(EXAMPLE)}, shouldPersistHeaders: true }),
    );
  </script>
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

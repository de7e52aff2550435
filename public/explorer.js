// GraphiQL with a first screen that helps: without a token it says how to get one instead of calling the API,
// and when a token is pasted under Headers the schema (Docs) loads at once.
(function () {
  const stored = window.datamapToken.get();
  const banner = document.getElementById('no-token');
  const headersFor = (token) => (token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : '');

  function tokenIn(headersText) {
    try {
      const headers = JSON.parse(headersText || '{}');
      const value = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
      const match = /^Bearer\s+(\S+)$/i.exec(String(value || '').trim());
      return match && match[1] !== '<token>' ? match[1] : '';
    } catch {
      return '';
    }
  }

  const noToken = {
    errors: [
      {
        message:
          `No token yet. Every request needs one. In a terminal, run:\n\n  ${window.datamapToken.command}\n\n` +
          'then open Headers below the query and paste {"Authorization": "Bearer <the token>"}.',
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ],
  };

  // A new fetcher for each token: GraphiQL fetches the schema again whenever its fetcher changes.
  function fetcherFor(token) {
    const fetchGraphQL = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
    return (params, options) => {
      if (!token && !tokenIn(JSON.stringify(options?.headers || {}))) return Promise.resolve(noToken);
      return fetchGraphQL(params, options);
    };
  }

  let token = stored;
  const root = ReactDOM.createRoot(document.getElementById('explorer'));
  function render() {
    banner.hidden = Boolean(token);
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcherFor(token),
        defaultQuery: document.getElementById('explorer').dataset.defaultQuery,
        headers: headersFor(stored),
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: token ? false : 'headers',
        onEditHeaders(text) {
          const next = tokenIn(text);
          if (next === token) return;
          token = next;
          window.datamapToken.set(token);
          render();
        },
      }),
    );
  }
  render();
})();

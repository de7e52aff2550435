// The token the explorer and the map page share: kept in this tab's session storage only, never in local storage
// or a cookie, so it goes when the tab closes.
window.datamapToken = {
  key: 'datamap.token',
  get() {
    return sessionStorage.getItem(this.key) || '';
  },
  set(token) {
    if (token) sessionStorage.setItem(this.key, token);
    else sessionStorage.removeItem(this.key);
  },
  /** The exact command that prints a token for a local server. */
  command: 'npm run --silent token -- --role VIEWER --sub you@pythonmaster.com',
};

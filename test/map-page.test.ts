import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page, type Route } from 'playwright-core';
import { generateMap } from '../bench/synthetic-map';
import { projectPath } from '../src/common/project-path';
import { authAs, startTestApp, tokenFor, type TestApp } from './harness';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it and sets REQUIRE_BROWSER). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.REQUIRE_BROWSER) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium`);
const ARTIFACTS = projectPath('artifacts');

/**
 * The policy the page is written for: its own scripts and styles only, no inline script or style, no eval. When
 * the service sends a policy of its own, the page is tested under that one instead.
 */
const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

// What page.evaluate's callbacks see, in the browser (this file compiles without the DOM library).
declare const window: any, document: any, sessionStorage: any, localStorage: any;

let app: TestApp;
let browser: Browser;
let page: Page;
let browserErrors: string[] = [];
let offsite: string[] = [];
/** Set by a test that expects the API to answer 401, which Chromium reports on the console. */
let expect401 = false;

/** The map page's document, under a strict Content-Security-Policy when the service sends none. */
async function withPolicy(route: Route) {
  const response = await route.fetch();
  const headers = response.headers();
  if (!headers['content-security-policy']) headers['content-security-policy'] = STRICT_CSP;
  await route.fulfill({ response, headers });
}

async function giveToken(token: string) {
  await page.goto(`${app.url}/map`);
  await page.fill('#token-input', token);
  await page.click('#token-form button');
}
async function openWithToken(token: string) {
  await giveToken(token);
  await page.waitForSelector('body[data-ready="true"]');
}
const nodeIds = () => page.evaluate(() => window.datamapMap.cy.nodes().map((node: any) => node.id()).sort());
const draws = () => page.getAttribute('#graph', 'data-draws');
/** Runs `action` and waits until the page has drawn the map again. */
async function redrawn(action: () => Promise<unknown>) {
  const before = await draws();
  await action();
  await page.waitForFunction((count) => document.querySelector('#graph').dataset.draws !== count, before);
}
/** Clicks where Cytoscape drew the node, as a user would. */
async function clickNode(id: string, clicks = 1) {
  const box = (await page.locator('#graph').boundingBox())!;
  const at = await page.evaluate((nodeId) => window.datamapMap.cy.$id(nodeId).renderedPosition(), id);
  await page.mouse.click(box.x + at.x, box.y + at.y, { clickCount: clicks });
}

(haveBrowser ? describe : describe.skip)('the /map page in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    browserErrors = [];
    offsite = [];
    expect401 = false;
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (error) => browserErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      if (expect401 && message.text().includes('status of 401')) return;
      browserErrors.push(message.text());
    });
    await page.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event: any) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    // Offline: every request the page makes must go to the service itself.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (!url.startsWith(app.url)) {
        offsite.push(url);
        return route.abort();
      }
      return new URL(url).pathname === '/map' ? withPolicy(route) : route.continue();
    });
  });
  afterEach(async () => {
    const violations = await page.evaluate(() => window.cspViolations ?? []).catch(() => []);
    await page.context().close();
    expect(browserErrors).toEqual([]);
    expect(offsite).toEqual([]);
    expect(violations).toEqual([]);
  });

  describe('on the seeded map', () => {
    beforeAll(async () => {
      app = await startTestApp();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('asks an anonymous visitor for a token, with the command that makes one, and keeps it in session storage only', async () => {
      const served = await page.goto(`${app.url}/map`);
      // The service's own policy, which the page then runs under (withPolicy adds none).
      expect(served!.headers()['content-security-policy']).toMatch(/script-src 'self';\s*style-src 'self'[^;]*;.*frame-ancestors 'none'/);
      await expect(page.isVisible('#token-prompt')).resolves.toBe(true);
      await expect(page.isVisible('#graph')).resolves.toBe(false);
      expect(await page.textContent('#token-command')).toBe('npm run --silent token -- --role VIEWER --sub you@pythonmaster.com');
      await openWithToken(await tokenFor('VIEWER'));
      const storage = await page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage }, cookie: document.cookie }));
      expect(Object.keys(storage.session)).toEqual(['datamap.token']);
      expect(storage.local).toEqual({});
      expect(storage.cookie).toBe('');
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
    });

    it('draws the seeded map, filters it, explains a node and shows one person\'s flows', async () => {
      await openWithToken(await tokenFor('VIEWER'));
      // The seeded map as the API draws it: the five policy categories, the activities that hand data to recipients,
      // the nine processors, the advertising partners, Intercom's own host and the one country they process in. The hosts
      // store every activity's data, tax records included.
      expect(await nodeIds()).toEqual([
        'activity:advertising', 'activity:certificates', 'activity:customer-support', 'activity:fraud-prevention', 'activity:learning-research',
        'activity:marketing-communications', 'activity:platform-hosting', 'activity:pre-sale-support', 'activity:process-payments',
        'activity:recommendations', 'activity:service-communications', 'activity:tax-records', 'activity:usage-analytics',
        'activity:website-delivery',
        'category:contact', 'category:financial', 'category:identity', 'category:technical', 'category:usage', 'category:usage.website',
        'country:US',
        'processor:advertising-partners', 'processor:aws', 'processor:google-analytics', 'processor:google-cloud', 'processor:intercom',
        'processor:intercom-aws', 'processor:mailchimp', 'processor:paypal', 'processor:sendgrid', 'processor:stripe', 'processor:zendesk',
      ]);
      expect(await page.getAttribute('#graph', 'data-nodes')).toBe('32');
      // The chain's second hop is drawn: Intercom engages its host, an ENGAGES edge in its own style.
      const hop = await page.evaluate(() => {
        const edges = window.datamapMap.cy.edges('[source = "processor:intercom"][target = "processor:intercom-aws"]');
        return { count: edges.length, engages: edges.hasClass('edge-ENGAGES'), visible: edges.visible() };
      });
      expect(hop).toEqual({ count: 1, engages: true, visible: true });
      expect(await page.getAttribute('#graph', 'data-level')).toBe('FULL');
      // The filters were filled from light queries: the seeded categories, purposes, countries and the person form.
      expect(await page.locator('#filters select[name=category] option').count()).toBe(1 + 17);
      expect(await page.locator('#person input[name=collectionPoint]').count()).toBe(7);
      await page.screenshot({ path: `${ARTIFACTS}/map-seeded.png` });
      // docs/map.png is this picture: `REFRESH_DOCS_SCREENSHOT=1` writes it there too.
      if (process.env.REFRESH_DOCS_SCREENSHOT) copyFileSync(`${ARTIFACTS}/map-seeded.png`, projectPath('docs', 'map.png'));

      await redrawn(async () => {
        await page.selectOption('#filters select[name=category]', 'financial');
        await page.click('#filters button[type=submit]');
      });
      const filtered = await nodeIds();
      expect(filtered.filter((id: string) => id.startsWith('processor:'))).toEqual(['processor:aws', 'processor:google-cloud', 'processor:paypal', 'processor:stripe']);
      expect(filtered.filter((id: string) => id.startsWith('category:'))).toEqual(['category:financial']);
      await page.screenshot({ path: `${ARTIFACTS}/map-financial.png` });

      await clickNode('processor:stripe');
      await page.waitForSelector('#detail[data-node="processor:stripe"]');
      const detail = await page.textContent('#detail');
      expect(detail).toContain('Stripe');
      expect(detail).toContain('United States (US)');
      expect(detail).toContain('STANDARD_CONTRACTUAL_CLAUSES');
      expect(detail).toContain('SCC 2021/914 module 2');

      await redrawn(() => page.click('#filters button[type=reset]'));
      expect(await nodeIds()).toContain('processor:mailchimp');
      await page.check('#person input[name=collectionPoint][value=registration]');
      await page.check('#person input[name=collectionPoint][value=newsletter]');
      await page.check('#person input[name=consent][value=marketing-email]');
      await page.click('#person button[type=submit]');
      await page.waitForSelector('#person-processors');
      expect(await page.textContent('#person-processors')).toBe('Amazon Web Services, Google Cloud, Mailchimp, SendGrid');
      expect(await page.textContent('#person-result details[data-reason=CONSENT_NOT_GIVEN]')).toContain('Google Analytics');
      expect(await page.textContent('#person-result details[data-reason=NOT_COLLECTED]')).toContain('Stripe');
      const faded = await page.evaluate(() => window.datamapMap.cy.$id('processor:stripe').hasClass('faded'));
      expect(faded).toBe(true);
      // Each flow of the person with its legal basis and how long it is kept.
      const rows = await page.$$eval('#person-flows tr', (trs: any[]) => trs.map((tr) => [...tr.children].map((cell: any) => cell.textContent)));
      expect(rows[0]).toEqual(['flow', 'legal basis', 'retention', 'transfer']);
      expect(rows).toContainEqual(['contact → marketing-communications → mailchimp → US', 'consent', '2 years from last activity, or until unsubscribe', 'standard contractual clauses']);
      expect(rows).toContainEqual(['identity → certificates → aws → US', 'contract', '7 years from collection', 'standard contractual clauses']);
      expect(await page.textContent('#person-regime')).toBe('Regime: EU GDPR');
      await page.screenshot({ path: `${ARTIFACTS}/map-person.png` });

      // The same person in the UK: judged under the UK GDPR, where SendGrid records no UK safeguard.
      await page.fill('#person input[name=country]', 'GB');
      await page.click('#person button[type=submit]');
      await page.waitForFunction(() => document.querySelector('#person-regime')?.textContent === 'Regime: UK GDPR');
      const ukRows = await page.$$eval('#person-flows tr', (trs: any[]) => trs.map((tr) => [...tr.children].map((cell: any) => cell.textContent)));
      expect(ukRows).toContainEqual(['identity → certificates → aws → US', 'contract', '7 years from collection', 'uk addendum']);
      expect(ukRows).toContainEqual(['contact → service-communications → sendgrid → US', 'contract', expect.any(String), 'no safeguard']);
      await page.fill('#person input[name=country]', 'US');
      await page.click('#person button[type=submit]');
      await page.waitForFunction(() => document.querySelector('#person-regime')?.textContent === 'Regime: none of the EU GDPR, UK GDPR or FADP applies');
      expect(await page.$$eval('#person-flows td:last-child', (tds: any[]) => [...new Set(tds.map((td) => td.textContent))])).toEqual(['no transfer']);
      await page.fill('#person input[name=country]', 'DE');
    });

    it('judges a child by the birth date, as userDataFlow does, and keeps the date out of addresses and storage', async () => {
      const urls: string[] = [];
      page.on('request', (request) => urls.push(request.url()));
      await openWithToken(await tokenFor('VIEWER'));
      // 15 on any day of this year: under Germany's age of digital consent (16).
      const birthDate = `${new Date().getUTCFullYear() - 15}-01-01`;
      await page.fill('#person input[name=country]', 'DE');
      await page.check('#person input[name=consent][value=performance-cookies]');
      await page.fill('#person input[name=birthDate]', birthDate);
      await page.click('#person button[type=submit]');
      await page.waitForSelector('#person-result details[data-reason=BELOW_DIGITAL_CONSENT_AGE]');
      expect(await page.textContent('#person-result details[data-reason=BELOW_DIGITAL_CONSENT_AGE]')).toContain('Analyse usage patterns: Google Analytics');
      expect(await page.textContent('#person-processors')).not.toContain('Google Analytics');

      await page.check('#person input[name=parentalConsent]');
      await page.click('#person button[type=submit]');
      await page.waitForFunction(() => document.querySelector('#person-processors').textContent.includes('Google Analytics'));
      expect(await page.locator('#person-result details[data-reason=BELOW_DIGITAL_CONSENT_AGE]').count()).toBe(0);

      const storage = await page.evaluate(() => JSON.stringify({ session: { ...sessionStorage }, local: { ...localStorage }, cookie: document.cookie }));
      expect(storage).not.toContain(birthDate);
      expect(urls.filter((url) => url.includes(birthDate))).toEqual([]);
    });

    it('keeps the legend in view and labels transfers in type as large as the nodes\'', async () => {
      await openWithToken(await tokenFor('VIEWER'));
      const legend = (await page.locator('#legend').boundingBox())!;
      const graph = (await page.locator('#graph').boundingBox())!;
      expect(legend.y + legend.height).toBeLessThanOrEqual(1000);
      // Beside the drawing, not over it.
      expect(legend.y).toBeGreaterThanOrEqual(graph.y + graph.height);
      expect(await page.textContent('#legend')).toContain('standard contractual clauses');
      const fonts = await page.evaluate(() => {
        const { cy } = window.datamapMap;
        const transfer = cy.edges().filter((edge: any) => edge.data('label') === 'standard contractual clauses')[0];
        return { edge: parseFloat(transfer.style('font-size')), node: parseFloat(cy.nodes()[0].style('font-size')) };
      });
      expect(fonts.edge).toBeGreaterThanOrEqual(fonts.node);
      expect(fonts.edge).toBeGreaterThanOrEqual(11);
    });

    it('fills the whole drawing area when a good token follows a refused one', async () => {
      expect401 = true;
      await giveToken(await tokenFor('VIEWER', 'someone@pythonmaster.com', '-1m'));
      await page.waitForSelector('#token-prompt:not([hidden])');
      // The window changes while the drawing is hidden behind the prompt (Cytoscape measures a hidden box as empty).
      await page.setViewportSize({ width: 1500, height: 950 });
      await page.fill('#token-input', await tokenFor('VIEWER'));
      await page.click('#token-form button');
      await page.waitForSelector('body[data-ready="true"]');
      // The drawing follows its box once shown (the legend below it settles in the same frames).
      const fills = () => {
        const box = document.querySelector('#graph');
        const canvas = box.querySelector('canvas');
        const { cy } = window.datamapMap;
        return box.clientWidth > 800 && box.clientHeight > 600 && cy.width() === box.clientWidth && cy.height() === box.clientHeight &&
          canvas.clientWidth === box.clientWidth && canvas.clientHeight === box.clientHeight;
      };
      await page.waitForFunction(fills, undefined, { timeout: 5000 });
      // Every node is inside the drawing area.
      const outside = await page.evaluate(() => {
        const { cy } = window.datamapMap;
        return cy.nodes().filter((node: any) => {
          const at = node.renderedPosition();
          return at.x < 0 || at.y < 0 || at.x > cy.width() || at.y > cy.height();
        }).map((node: any) => node.id());
      });
      expect(outside).toEqual([]);
    });

    it('asks again for a token when the stored one is refused', async () => {
      expect401 = true;
      await giveToken(await tokenFor('VIEWER', 'someone@pythonmaster.com', '-1m'));
      await page.waitForSelector('#token-prompt:not([hidden])');
      expect(await page.textContent('#token-reason')).toContain('expired');
    });

    it('narrows the map to a processor found by the search box, and back', async () => {
      await openWithToken(await tokenFor('VIEWER'));
      await page.fill('#search-input', 'stri');
      await page.waitForSelector('#search-results button[data-key=stripe]');
      // Names that start with the text first: Stripe, then Austria.
      expect(await page.$$eval('#search-results button', (buttons: any[]) => buttons.map((b) => [b.dataset.kind, b.dataset.key]))).toEqual([['PROCESSOR', 'stripe'], ['COUNTRY', 'AT']]);
      await redrawn(() => page.click('#search-results button[data-key=stripe]'));
      expect((await nodeIds()).filter((id: string) => id.startsWith('processor:'))).toEqual(['processor:stripe']);
      expect(await page.textContent('#filter-chips')).toContain('Stripe');
      await redrawn(() => page.click('#filter-chips .chip button'));
      expect(await page.getAttribute('#graph', 'data-nodes')).toBe('32');
    });

    it('draws kinds and classes it has no special case for: a sub-processor hop, an undeclared vendor apart and dashed, a regime', async () => {
      // The API's answers, with what later features add: sub-processor chains, evidence of undeclared vendors, regimes.
      await page.route('**/graphql', async (route) => {
        const operation = route.request().postDataJSON()?.operationName;
        if (operation !== 'MapGraph' && operation !== 'MapPerson') return route.continue();
        const response = await route.fetch();
        const body = await response.json();
        if (operation === 'MapPerson') body.data.userDataFlow.regime = 'EU_GDPR';
        else if (body.data.dataMapGraph.level === 'FULL') {
          const graph = body.data.dataMapGraph;
          graph.nodes.push({ id: 'processor:hotjar', kind: 'PROCESSOR', key: 'hotjar', label: 'Hotjar', count: 1, flows: 0, classes: ['undeclared'], filterField: null });
          graph.edges.push(
            { from: 'processor:stripe', to: 'processor:aws', kind: 'ENGAGES', label: null, safeguarded: true, flows: 3, classes: [] },
            { from: 'activity:usage-analytics', to: 'processor:hotjar', kind: 'PROCESSED_BY', label: null, safeguarded: true, flows: 0, classes: ['undeclared'] },
          );
        }
        return route.fulfill({ response, json: body });
      });
      await openWithToken(await tokenFor('VIEWER'));
      const drawn = await page.evaluate(() => {
        const { cy } = window.datamapMap;
        const hop = cy.edges('[source = "processor:stripe"][target = "processor:aws"]');
        const vendor = cy.$id('processor:hotjar');
        const lowest = Math.max(...cy.nodes().not(vendor).map((node: any) => node.position('y')));
        return {
          hop: [hop.hasClass('edge-ENGAGES'), hop.style('curve-style')],
          vendor: [vendor.style('border-style'), vendor.position('y') > lowest],
          undeclaredEdge: cy.edges('[target = "processor:hotjar"]').style('line-style'),
          legend: document.querySelector('#legend').textContent,
        };
      });
      expect(drawn.hop).toEqual([true, 'bezier']);
      expect(drawn.vendor).toEqual(['dashed', true]);
      expect(drawn.undeclaredEdge).toBe('dashed');
      expect(drawn.legend).toContain('engages a sub-processor');
      expect(drawn.legend).toContain('observed in code or traffic, not declared');
      await page.check('#person input[name=collectionPoint][value=registration]');
      await page.click('#person button[type=submit]');
      await page.waitForSelector('#person-regime');
      expect(await page.textContent('#person-regime')).toBe('Regime: EU GDPR');
    });

    it('serves the explorer with a first screen that says how to get a token, and loads Docs once a token is given', async () => {
      await page.goto(`${app.url}/graphql`, { waitUntil: 'networkidle' });
      const banner = await page.textContent('#no-token');
      expect(banner).toContain('npm run --silent token -- --role VIEWER --sub you@pythonmaster.com');
      expect(await page.isVisible('#no-token')).toBe(true);
      // The example query reaches the editor from the page's data attribute (no inline script under the CSP).
      expect(await page.textContent('.graphiql-query-editor')).toContain('query ExplorerExample');
      await page.evaluate((token) => sessionStorage.setItem('datamap.token', token), await tokenFor('VIEWER'));
      await page.reload({ waitUntil: 'networkidle' });
      expect(await page.isVisible('#no-token')).toBe(false);
      await page.click('[aria-label="Show Documentation Explorer"]');
      await page.waitForSelector('.graphiql-doc-explorer-content >> text=Query');
      expect(await page.textContent('.graphiql-doc-explorer')).not.toContain('Error fetching schema');
    });
  });

  // The benchmark's generator at a size CI opens in seconds, still far over what the page draws whole
  // (`npm run bench -- --suite map` opens the full 2,000 processors and 20,000 activities).
  describe('on a generated map too large to draw', () => {
    beforeAll(async () => {
      app = await startTestApp({ seed: false });
      await generateMap({ db: app.db }, { processors: 120, categories: 85, depth: 3, activities: 1200 });
    }, 120_000);
    afterAll(async () => {
      await app?.close();
    });

    it('shows the summary first, with the filters and the person form filled, and expands a group down to a drawing', async () => {
      await openWithToken(await tokenFor('VIEWER'));
      expect(await page.getAttribute('#graph', 'data-level')).toBe('SUMMARY');
      expect(await page.isVisible('#level-note')).toBe(true);
      expect(await page.textContent('#level-note')).toMatch(/^[\d,]+ nodes are too many to read in one drawing/);
      const summary = await page.evaluate(() => window.datamapMap.state.graph);
      expect(summary.size.nodes).toBeGreaterThan(300);
      expect(new Set(summary.nodes.map((node: any) => node.kind))).toEqual(new Set(['CATEGORY', 'PURPOSE', 'PROCESSOR_GROUP']));
      expect(await page.locator('#filters select[name=category] option').count()).toBe(1 + 85);
      expect(await page.locator('#person input[name=collectionPoint]').count()).toBe(20);
      await page.screenshot({ path: `${ARTIFACTS}/map-generated-summary.png` });

      // Double-click a category group: the summary one level down, within it.
      await redrawn(() => clickNode('category:c0', 2));
      expect(await page.$eval('#filters select[name=category]', (select: any) => select.value)).toBe('c0');
      const within = await page.evaluate(() => window.datamapMap.state.graph);
      const categories = within.nodes.filter((node: any) => node.kind === 'CATEGORY').map((node: any) => node.key);
      expect(categories.length).toBeGreaterThan(1);
      expect(categories.every((key: string) => key === 'c0' || key.startsWith('c0.'))).toBe(true);

      // A search hit narrows it to a drawing of every node.
      const { data } = await app.gql('{ dataFlows(first: 1) { nodes { processor { key } } } }', {}, await authAs('VIEWER'));
      const processor: string = data!.dataFlows.nodes[0].processor.key;
      await page.fill('#search-input', processor);
      await page.waitForSelector(`#search-results button[data-key="${processor}"]`);
      await redrawn(() => page.click(`#search-results button[data-key="${processor}"]`));
      expect(await page.getAttribute('#graph', 'data-level')).toBe('FULL');
      expect(await page.isVisible('#level-note')).toBe(false);
      expect((await nodeIds()).filter((id: string) => id.startsWith('processor:'))).toEqual([`processor:${processor}`]);
    });

    it('groups processors by safeguard, and highlights what one person\'s data reaches in the summary', async () => {
      await openWithToken(await tokenFor('VIEWER'));
      await redrawn(async () => {
        await page.selectOption('#filters select[name=groupProcessorsBy]', 'SAFEGUARD');
        await page.click('#filters button[type=submit]');
      });
      const groups = await page.evaluate(() => window.datamapMap.state.graph.nodes.filter((node: any) => node.kind === 'PROCESSOR_GROUP').map((node: any) => node.key));
      expect(groups).toEqual(expect.arrayContaining(['EEA', 'NO_SAFEGUARD', 'STANDARD_CONTRACTUAL_CLAUSES']));
      await page.check('#person input[name=collectionPoint][value=point-1]');
      await page.click('#person button[type=submit]');
      await page.waitForSelector('#person-processors');
      const highlighted = await page.evaluate(() => window.datamapMap.cy.nodes('.reached').map((node: any) => node.id()));
      expect(highlighted).toContain('processor-group:EEA');
      expect(await page.textContent('#person-result')).toMatch(/[\d,]+ flows apply, [\d,]+ do not/);
    });
  });
});

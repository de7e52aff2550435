import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectPath } from '../src/common/project-path';
import { startTestApp, tokenFor, type TestApp } from './harness';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it and sets REQUIRE_BROWSER). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.REQUIRE_BROWSER) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium`);
const ARTIFACTS = projectPath('artifacts');

// What page.evaluate's callbacks see, in the browser (this file compiles without the DOM library).
declare const window: any, document: any, sessionStorage: any, localStorage: any;

let app: TestApp;
let browser: Browser;
let page: Page;
let browserErrors: string[] = [];
let offsite: string[] = [];
/** Set by a test that expects the API to answer 401, which Chromium reports on the console. */
let expect401 = false;

(haveBrowser ? describe : describe.skip)('the /map page in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
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
    // Offline: every request the page makes must go to the service itself.
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(app.url)) return route.continue();
      offsite.push(route.request().url());
      return route.abort();
    });
  });
  afterEach(async () => {
    await page.context().close();
    expect(browserErrors).toEqual([]);
    expect(offsite).toEqual([]);
  });

  async function giveToken(token: string) {
    await page.goto(`${app.url}/map`);
    await page.fill('#token-input', token);
    await page.click('#token-form button');
  }
  async function openWithToken(token: string) {
    await giveToken(token);
    await page.waitForSelector('body[data-ready="true"]');
  }
  const nodeIds = () => page.evaluate(() => (window as any).datamapMap.cy.nodes().map((node: any) => node.id()).sort());

  it('asks an anonymous visitor for a token, with the command that makes one, and keeps it in session storage only', async () => {
    await page.goto(`${app.url}/map`);
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
    // The seeded map as the API draws it: the five policy categories (and the website usage the site's delivery uses),
    // the activities that hand data to processors, the nine processors and the one country they process in. The hosts
    // store every activity's data, tax records included.
    expect(await nodeIds()).toEqual([
      'activity:certificates', 'activity:customer-support', 'activity:fraud-prevention', 'activity:learning-research',
      'activity:marketing-communications', 'activity:platform-hosting', 'activity:pre-sale-support', 'activity:process-payments',
      'activity:recommendations', 'activity:service-communications', 'activity:tax-records', 'activity:usage-analytics',
      'activity:website-delivery',
      'category:contact', 'category:financial', 'category:identity', 'category:technical', 'category:usage', 'category:usage.website',
      'country:US',
      'processor:aws', 'processor:google-analytics', 'processor:google-cloud', 'processor:intercom', 'processor:mailchimp',
      'processor:paypal', 'processor:sendgrid', 'processor:stripe', 'processor:zendesk',
    ]);
    expect(await page.getAttribute('#graph', 'data-nodes')).toBe('29');
    await page.screenshot({ path: `${ARTIFACTS}/map-seeded.png` });

    await page.selectOption('#filters select[name=category]', 'financial');
    await page.click('#filters button[type=submit]');
    await page.waitForFunction(() => !(window as any).datamapMap.cy.$id('processor:mailchimp').length);
    const filtered = await nodeIds();
    expect(filtered.filter((id: string) => id.startsWith('processor:'))).toEqual(['processor:aws', 'processor:google-cloud', 'processor:paypal', 'processor:stripe']);
    expect(filtered.filter((id: string) => id.startsWith('category:'))).toEqual(['category:financial']);
    await page.screenshot({ path: `${ARTIFACTS}/map-financial.png` });

    // A real click where Cytoscape drew the node.
    const box = (await page.locator('#graph').boundingBox())!;
    const at = await page.evaluate(() => (window as any).datamapMap.cy.$id('processor:stripe').renderedPosition());
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForSelector('#detail[data-node="processor:stripe"]');
    const detail = await page.textContent('#detail');
    expect(detail).toContain('Stripe');
    expect(detail).toContain('United States (US)');
    expect(detail).toContain('STANDARD_CONTRACTUAL_CLAUSES');

    await page.click('#filters button[type=reset]');
    await page.waitForFunction(() => (window as any).datamapMap.cy.$id('processor:mailchimp').length === 1);
    await page.check('#person input[name=collectionPoint][value=registration]');
    await page.check('#person input[name=collectionPoint][value=newsletter]');
    await page.check('#person input[name=consent][value=marketing-email]');
    await page.click('#person button[type=submit]');
    await page.waitForSelector('#person-processors');
    expect(await page.textContent('#person-processors')).toBe('Amazon Web Services, Google Cloud, Mailchimp, SendGrid');
    expect(await page.textContent('#person-result details[data-reason=CONSENT_NOT_GIVEN]')).toContain('Google Analytics');
    expect(await page.textContent('#person-result details[data-reason=NOT_COLLECTED]')).toContain('Stripe');
    const faded = await page.evaluate(() => (window as any).datamapMap.cy.$id('processor:stripe').hasClass('faded'));
    expect(faded).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/map-person.png` });
  });

  it('asks again for a token when the stored one is refused', async () => {
    expect401 = true;
    await giveToken(await tokenFor('VIEWER', 'someone@pythonmaster.com', '-1m'));
    await page.waitForSelector('#token-prompt:not([hidden])');
    expect(await page.textContent('#token-reason')).toContain('expired');
  });

  it('serves the explorer with a first screen that says how to get a token, and loads Docs once a token is given', async () => {
    await page.goto(`${app.url}/graphql`, { waitUntil: 'networkidle' });
    const banner = await page.textContent('#no-token');
    expect(banner).toContain('npm run --silent token -- --role VIEWER --sub you@pythonmaster.com');
    expect(await page.isVisible('#no-token')).toBe(true);
    await page.evaluate((token) => sessionStorage.setItem('datamap.token', token), await tokenFor('VIEWER'));
    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.isVisible('#no-token')).toBe(false);
    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector('.graphiql-doc-explorer-content >> text=Query');
    expect(await page.textContent('.graphiql-doc-explorer')).not.toContain('Error fetching schema');
  });
});

/**
 * The map page in Chromium on the synthetic map (2,000 processors, 20,000 activities, 68,731 flows by default):
 * how long after the token the first useful picture is painted, the longest task that blocks the page, and how
 * long a filtered subgraph of a few hundred nodes takes from "Apply" to painted. The service runs in a process of
 * its own (NODE_ENV=production), Chromium in its own, and each run is a fresh browser context (nothing cached).
 *
 *   npm run bench -- --suite map [--map-runs 3] [--database-url postgres://...]
 *
 * The page times itself (`window.datamapMap.state.timings`: from the token or the filter to the frame after the
 * drawing); long tasks come from Chromium's PerformanceObserver.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { signToken } from '../src/auth/sign-token';
import { Role } from '../src/auth/viewer';
import { spawn, type BenchRow, type BenchSuite } from './lib';
import { generateMap, MAP_SIZE_FLAGS } from './synthetic-map';

/** Targets of issue 21. */
const TARGETS = { firstPictureMs: 2000, longestTaskMs: 200, filteredMs: 1000 };

// What page.evaluate's callbacks see, in the browser (this file compiles without the DOM library).
declare const window: any, document: any, PerformanceObserver: any;

interface Timing {
  what: string;
  level: string;
  nodes: number;
  edges: number;
  ms: number;
}

interface RunResult {
  firstPicture: Timing;
  filtered: Timing;
  longestTaskMs: number;
  longTasks: number;
  /** CPU time of the page's main thread while it was drawn: its own work, whatever else the machine runs. */
  firstPictureCpuMs: number;
  filteredCpuMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const verdict = (value: number, target: number) => `target < ${target.toLocaleString('en-US')} ms: ${value < target ? 'met' : 'NOT met'}`;

/** A page in a fresh context; `errors` collects what it throws. */
async function newPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list: any) => list.getEntries().forEach((entry: any) => window.longTasks.push(entry.duration)))
      .observe({ type: 'longtask', buffered: true });
  });
  return { page, errors };
}

const timings = (page: Page): Promise<Timing[]> => page.evaluate(() => window.datamapMap.state.timings);

/** Opens the map with the token, then narrows it to `category`: one measured visit. */
async function visit(browser: Browser, base: string, token: string, category: string): Promise<RunResult> {
  const { page, errors } = await newPage(browser);
  const devtools = await page.context().newCDPSession(page);
  await devtools.send('Performance.enable');
  const cpuMs = async () => {
    const { metrics } = await devtools.send('Performance.getMetrics');
    return 1000 * metrics.find((metric) => metric.name === 'ThreadTime')!.value;
  };
  try {
    await page.goto(`${base}/map`);
    await page.fill('#token-input', token);
    const beforeToken = await cpuMs();
    await page.click('#token-form button');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    const firstPictureCpuMs = (await cpuMs()) - beforeToken;
    const firstPicture = (await timings(page)).find((timing) => timing.what === 'token')!;
    const draws = await page.getAttribute('#graph', 'data-draws');
    await page.selectOption('#filters select[name=category]', category);
    const beforeFilter = await cpuMs();
    await page.click('#filters button[type=submit]');
    await page.waitForFunction((count) => document.querySelector('#graph').dataset.draws !== count, draws, { timeout: 120_000 });
    const filteredCpuMs = (await cpuMs()) - beforeFilter;
    const filtered = (await timings(page)).at(-1)!;
    const longTasks: number[] = await page.evaluate(() => window.longTasks);
    if (errors.length > 0) throw new Error(`the map page failed: ${errors.join('; ')}`);
    return { firstPicture, filtered, longestTaskMs: Math.max(0, ...longTasks), longTasks: longTasks.length, firstPictureCpuMs, filteredCpuMs };
  } finally {
    await page.context().close();
  }
}

export const mapBench: BenchSuite = {
  name: 'map',
  description: 'the /map page in Chromium: first picture after the token, longest task, a filtered subgraph drawn',
  roles: [],
  inProcessServer: false,
  flags: {
    ...MAP_SIZE_FLAGS,
    'map-runs': { default: 3, help: 'browser visits, each in a fresh context (the median and the worst are reported)' },
  },

  async prepare(database, flags, log) {
    const started = performance.now();
    await generateMap(database, flags, log);
    return { generateSeconds: Math.round((performance.now() - started) / 100) / 10 };
  },

  async run({ database, flags, log }) {
    const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(executablePath)) throw new Error(`the map suite needs Chromium at ${executablePath}: apt-get install chromium, or set CHROMIUM_PATH`);
    const secret = randomBytes(32).toString('hex');
    const service = await spawn(join(__dirname, 'service-process.js'), { BENCH_DATABASE_URL: database.url, JWT_SECRET: secret, NODE_ENV: 'production' });
    const base = `http://127.0.0.1:${service.port}`;
    const token = await signToken(secret, { roles: [Role.VIEWER], subject: 'bench@datamap', ttl: '2h' });
    const browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    try {
      const ask = async (query: string, variables: Record<string, unknown> = {}) => {
        const response = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
        if (body.errors) throw new Error(body.errors.map((error) => error.message).join('; '));
        return body.data;
      };
      // The filter: the category of the deepest level whose whole graph is the largest the page still draws whole.
      const limit = await (async () => {
        const { page } = await newPage(browser);
        await page.goto(`${base}/map`);
        const drawLimit = await page.evaluate(() => window.datamapMap.drawLimit);
        await page.context().close();
        return drawLimit as { nodes: number; edges: number };
      })();
      const categories: string[] = (await ask('{ dataCategories(first: 1000) { nodes { key } } }')).dataCategories.nodes.map((node: { key: string }) => node.key);
      const deepest = Math.max(...categories.map((key) => key.split('.').length));
      let chosen = { key: '', nodes: 0, edges: 0 };
      for (const key of categories.filter((candidate) => candidate.split('.').length === deepest).slice(0, 40)) {
        const { size } = (await ask('query($filter: DataFlowFilter) { dataMapGraph(filter: $filter, level: SUMMARY) { size { nodes edges } } }', { filter: { categories: [key] } })).dataMapGraph;
        if (size.nodes <= limit.nodes && size.edges <= limit.edges && size.nodes > chosen.nodes) chosen = { key, ...size };
      }
      if (!chosen.key) throw new Error(`no category of level ${deepest} narrows the map to at most ${limit.nodes} nodes`);
      log(`filter: category ${chosen.key} (${chosen.nodes} nodes, ${chosen.edges} edges); the page draws at most ${limit.nodes} nodes`);

      // The service's share: the same two questions the page asks, answered to one client (median of three).
      const GRAPH = `query($filter: DataFlowFilter, $level: GraphLevel!) { dataMapGraph(filter: $filter, level: $level) {
        level size { nodes edges flows } nodes { id kind key label count flows classes filterField } edges { from to kind label safeguarded flows classes } } }`;
      const answerMs = async (variables: Record<string, unknown>) => {
        const times: number[] = [];
        for (let run = 0; run < 3; run++) {
          const started = performance.now();
          await ask(GRAPH, variables);
          times.push(performance.now() - started);
        }
        return median(times);
      };
      const summaryAnswerMs = await answerMs({ level: 'SUMMARY' });
      const filteredAnswerMs = (await answerMs({ level: 'SUMMARY', filter: { categories: [chosen.key] } })) + (await answerMs({ level: 'FULL', filter: { categories: [chosen.key] } }));
      log(`answers: summary ${Math.round(summaryAnswerMs)} ms, the filtered subgraph (its summary, then the whole) ${Math.round(filteredAnswerMs)} ms`);

      await service.ask('reset-peak');
      const runs: RunResult[] = [];
      for (let run = 0; run < flags['map-runs']; run++) {
        runs.push(await visit(browser, base, token, chosen.key));
        const last = runs.at(-1)!;
        log(`visit ${run + 1}: first picture ${Math.round(last.firstPicture.ms)} ms (${last.firstPicture.level}; page CPU ${Math.round(last.firstPictureCpuMs)} ms), ` +
          `filtered ${Math.round(last.filtered.ms)} ms (${last.filtered.level}, ${last.filtered.nodes} nodes; page CPU ${Math.round(last.filteredCpuMs)} ms), ` +
          `longest task ${Math.round(last.longestTaskMs)} ms`);
      }
      const { peakMb } = await service.ask<{ peakMb: number }>('peak');
      const first = runs.map((run) => run.firstPicture.ms);
      const filtered = runs.map((run) => run.filtered.ms);
      const longest = runs.map((run) => run.longestTaskMs);
      const row = (scenario: string, values: number[], note: string, requests = runs.length): BenchRow => ({
        suite: 'map', scenario, requests, p50Ms: median(values), p99Ms: Math.max(...values),
        requestsPerSecond: null, statementsPerRequest: null, peakRssMb: peakMb, note,
      });
      const [sample] = runs;
      return {
        rows: [
          row(`first picture after the token (${sample.firstPicture.level}: ${sample.firstPicture.nodes} nodes)`, first, verdict(Math.max(...first), TARGETS.firstPictureMs)),
          row(`filtered subgraph drawn (category ${chosen.key}: ${sample.filtered.level}, ${sample.filtered.nodes} nodes, ${sample.filtered.edges} edges)`, filtered,
            verdict(Math.max(...filtered), TARGETS.filteredMs)),
          row('longest task in the page (token, summary, filter)', longest, verdict(Math.max(...longest), TARGETS.longestTaskMs)),
          row('of which the page\'s main thread was busy (CPU): first picture', runs.map((run) => run.firstPictureCpuMs), 'the page\'s own work'),
          row('of which the page\'s main thread was busy (CPU): filtered subgraph', runs.map((run) => run.filteredCpuMs), 'the page\'s own work'),
          row('of which the service: the summary answered (one client, median of 3)', [summaryAnswerMs], '', 3),
          row('of which the service: the filtered subgraph answered (summary, then whole; medians of 3)', [filteredAnswerMs], '', 6),
        ],
        facts: {
          summaryAnswerMs: Math.round(summaryAnswerMs),
          filteredAnswerMs: Math.round(filteredAnswerMs),
          filterCategory: chosen.key,
          filteredNodes: chosen.nodes,
          firstPictureMs: first.map(Math.round).join(' / '),
          filteredMs: filtered.map(Math.round).join(' / '),
          longestTaskMs: longest.map(Math.round).join(' / '),
          longTasks: runs.map((run) => run.longTasks).join(' / '),
          firstPictureCpuMs: runs.map((run) => Math.round(run.firstPictureCpuMs)).join(' / '),
          filteredCpuMs: runs.map((run) => Math.round(run.filteredCpuMs)).join(' / '),
        },
      };
    } finally {
      await browser.close();
      await service.stop();
    }
  },
};

// The data-map page: draws dataMapGraph with Cytoscape.js, summarised when the map is too large to read, filters
// and searches it, explains a clicked node, and shows one person's flows (userDataFlow). Reads through the
// GraphQL API with the tab's token. Written for a strict Content-Security-Policy: no inline script or style, no eval.
(function () {
  'use strict';
  const $ = (selector) => document.querySelector(selector);

  /**
   * The most a drawing shows: past it the page draws the SUMMARY level. A few hundred nodes is what a screen can
   * label legibly, and what the layout below and Cytoscape lay out and paint well within a frame budget.
   */
  const DRAW_LIMIT = { nodes: 300, edges: 1200 };
  const LEGAL_BASES = ['CONSENT', 'CONTRACT', 'LEGAL_OBLIGATION', 'VITAL_INTERESTS', 'PUBLIC_TASK', 'LEGITIMATE_INTERESTS'];

  // Styles by the data's own kinds and classes: a kind or class the server adds later needs only an entry here
  // (and draws, in the default style, without one).
  const KIND_STYLES = {
    CATEGORY: { legend: 'data category', colour: '#5b8def', shape: 'ellipse' },
    ACTIVITY: { legend: 'processing activity', colour: '#8e6bd8', shape: 'round-rectangle' },
    PURPOSE: { legend: 'purpose (its activities)', colour: '#8e6bd8', shape: 'round-rectangle' },
    PROCESSOR: { legend: 'processor', colour: '#2a9d8f', shape: 'round-rectangle' },
    PROCESSOR_GROUP: { legend: 'processors, grouped', colour: '#2a9d8f', shape: 'barrel' },
    COUNTRY: { legend: 'country', colour: '#e9a23b', shape: 'hexagon' },
  };
  const DEFAULT_KIND_STYLE = { colour: '#9aa3b5', shape: 'ellipse' };
  const NODE_CLASS_LEGEND = {
    group: 'a group: double-click to expand it',
    unsafeguarded: 'receives a transfer without a safeguard',
    undeclared: 'observed in code or traffic, not declared',
  };
  const EDGE_KIND_STYLES = {
    USED_BY: { legend: 'data used by', colour: '#9aa3b5' },
    PROCESSED_BY: { legend: 'handed to', colour: '#9aa3b5' },
    PROCESSED_IN: { legend: 'processed in', colour: '#9aa3b5' },
    ENGAGES: { legend: 'engages a sub-processor (onward transfer)', colour: '#37474f', curve: 'bezier' },
    SENT_TO: { legend: 'sent to, as the code shows (not declared)', colour: '#37474f' },
  };
  const MECHANISM_COLOURS = {
    ADEQUACY_DECISION: '#2e7d32',
    STANDARD_CONTRACTUAL_CLAUSES: '#1565c0',
    BINDING_CORPORATE_RULES: '#6a1b9a',
    CODE_OF_CONDUCT: '#00838f',
    CERTIFICATION: '#00838f',
    DEROGATION_EXPLICIT_CONSENT: '#ef6c00',
    DEROGATION_CONTRACT: '#ef6c00',
    UK_IDTA: '#1565c0',
    UK_ADDENDUM: '#1565c0',
  };
  const UNSAFEGUARDED = '#d32f2f';
  const words = (value) => String(value).toLowerCase().replaceAll('_', ' ');
  const number = (value) => Number(value).toLocaleString('en-US');

  /** Builds an element; children are nodes or text (never parsed as HTML). No style attributes: the CSP refuses them. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === false || value === undefined || value === null) continue;
      node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
    return node;
  }

  class AuthError extends Error {}

  async function graphql(operationName, query, variables) {
    const token = window.datamapToken.get();
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ operationName, query, variables }),
    });
    const body = await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }));
    const errors = body.errors || [];
    if (errors.some((error) => error.extensions && error.extensions.code === 'UNAUTHENTICATED')) throw new AuthError(errors[0].message);
    if (errors.length > 0 && !body.data) throw Object.assign(new Error(errors.map((error) => error.message).join('; ')), { errors });
    return body.data;
  }

  // Light questions, asked before anything is drawn: what the filters and the person form offer.
  const CHOICES = `query MapChoices {
    dataCategories(first: 1000) { nodes { key name parent { key } } }
    purposes(first: 1000) { nodes { key name parent { key } } }
    countries(first: 1000) { nodes { code name } }
    collectionPoints(first: 1000) { nodes { key name automatic } }
    consents(first: 1000) { nodes { key name } }
  }`;
  const GRAPH = `query MapGraph($filter: DataFlowFilter, $level: GraphLevel!, $groupProcessorsBy: ProcessorGrouping) {
    dataMapGraph(filter: $filter, level: $level, groupProcessorsBy: $groupProcessorsBy) {
      level size { nodes edges flows }
      nodes { id kind key label count flows classes filterField }
      edges { from to kind label safeguarded flows classes }
    }
  }`;
  const SEARCH = `query MapSearch($text: String!) { dataMapSearch(text: $text, first: 12) { kind key label filterField } }`;
  const DETAILS = `query MapNodeDetails($key: ID!, $processor: Boolean!, $activity: Boolean!, $category: Boolean!, $country: Boolean!, $purpose: Boolean!) {
    processor(key: $key) @include(if: $processor) {
      key name service status website headquarters { code name }
      locations { country { code name inEEA } mechanism reference }
      dataCategories { key } activities { key name }
    }
    processingActivity(key: $key) @include(if: $activity) {
      key name legalBasis purpose { key name } requiredConsent { key name }
      dataCategories { key } processors { key name } retention { key name duration startsAt until reason }
    }
    dataCategory(key: $key) @include(if: $category) { key name parent { key } children { key } }
    country(code: $key) @include(if: $country) { code name inEEA adequacy }
    purpose(key: $key) @include(if: $purpose) { key name description parent { key name } children { key name } }
  }`;
  const FLOW_FIELDS = `category { key name } activity { key name } purpose { key } processor { key name } destination { code name }
    legalBasis retention { duration startsAt until } thirdCountry regulatedTransfer mechanism safeguarded`;
  // A page of each list draws the person; the summary counts every flow and names every processor reached.
  const PERSON = `query MapPerson($profile: SubjectProfileInput!, $filter: DataFlowFilter) {
    userDataFlow(profile: $profile, filter: $filter) {
      regime
      summary { flowCount excludedCount excludedByReason { reason count } processors { key name } countries { code } categories { key } }
      flows(first: 500) { totalCount nodes { ${FLOW_FIELDS} } }
      excluded(first: 500) { totalCount nodes { reason flow { ${FLOW_FIELDS} } } }
    }
  }`;

  let cy;
  let choices;
  /** What is drawn, and what the page measured: read by the tests and the benchmark. */
  const state = { graph: null, chips: [], timings: [], request: 0, measuring: null };
  window.datamapMap = { cy: null, state, drawLimit: DRAW_LIMIT };

  function setStatus(text) {
    $('#status').textContent = text;
  }

  function showPrompt(reason) {
    $('#map').hidden = true;
    $('#sign-out').hidden = true;
    $('#token-prompt').hidden = false;
    $('#token-command').textContent = window.datamapToken.command;
    if (reason) $('#token-reason').textContent = reason;
    $('#token-input').focus();
  }

  function fail(error) {
    if (error instanceof AuthError) {
      window.datamapToken.set('');
      showPrompt(`The token was refused: ${error.message}`);
      return;
    }
    setStatus(`Error: ${error.message}`);
  }

  /** Starts timing what the user asked for: the next drawing records how long it took. */
  function measure(what) {
    state.measuring = { what, since: performance.now() };
  }

  // ---- Layout ----------------------------------------------------------------------------------------------

  /**
   * Columns left to right, the way data flows: a node's column is its longest path from a node nothing points to,
   * and the nodes nothing leaves (countries) share the last column. Within a column, nodes are ordered by the mean
   * position of their neighbours (a few sweeps each way), and a tall column wraps into several so the drawing
   * keeps the screen's proportions. Everything is loops over arrays, linear in the edges per sweep: no recursion,
   * so no stack to blow at any size (cytoscape-dagre's recursion did, at 68,731 flows).
   */
  function layeredPositions(nodes, edges, aspect, nodeSize) {
    const index = new Map(nodes.map((node, i) => [node.id, i]));
    const into = nodes.map(() => []);
    const out = nodes.map(() => []);
    for (const edge of edges) {
      const from = index.get(edge.from);
      const to = index.get(edge.to);
      if (from === undefined || to === undefined || from === to) continue;
      out[from].push(to);
      into[to].push(from);
    }
    const rank = new Array(nodes.length).fill(0);
    const waiting = into.map((list) => list.length);
    const queue = [];
    for (let i = 0; i < nodes.length; i++) if (waiting[i] === 0) queue.push(i);
    for (let head = 0; head < queue.length; head++) {
      const i = queue[head];
      for (const j of out[i]) {
        rank[j] = Math.max(rank[j], rank[i] + 1);
        if (--waiting[j] === 0) queue.push(j);
      }
    }
    // A cycle (a sub-processor chain that loops) leaves nodes unqueued: one column after their ranked sources.
    for (let i = 0; i < nodes.length; i++) {
      if (waiting[i] > 0) rank[i] = Math.max(0, ...into[i].filter((j) => waiting[j] === 0).map((j) => rank[j] + 1));
    }
    const lastRank = Math.max(0, ...rank);
    for (let i = 0; i < nodes.length; i++) if (out[i].length === 0 && into[i].length > 0) rank[i] = lastRank;

    const columns = Array.from({ length: lastRank + 1 }, () => []);
    for (let i = 0; i < nodes.length; i++) columns[rank[i]].push(i);
    const place = new Float64Array(nodes.length);
    const renumber = (column) => column.forEach((i, at) => (place[i] = column.length > 1 ? at / (column.length - 1) : 0.5));
    columns.forEach(renumber);
    const sweep = (column, neighbours) => {
      const centre = new Map(column.map((i) => {
        const list = neighbours[i].filter((j) => rank[j] !== rank[i]);
        return [i, list.length ? list.reduce((sum, j) => sum + place[j], 0) / list.length : place[i]];
      }));
      column.sort((a, b) => centre.get(a) - centre.get(b));
      renumber(column);
    };
    for (let pass = 0; pass < 3; pass++) {
      for (let r = 1; r < columns.length; r++) sweep(columns[r], into);
      for (let r = columns.length - 2; r >= 0; r--) sweep(columns[r], out);
    }

    // Room for the node and two lines of its label below it.
    const ROW = Math.max(56, nodeSize + 40);
    const SUB_COLUMN = 180;
    const RANK_GAP = 260;
    const tallest = Math.max(1, ...columns.map((column) => column.length));
    // The fewest rows whose drawing is no wider than the screen's proportions allow.
    let rows = tallest;
    for (let candidate = Math.min(tallest, 8); candidate < tallest; candidate++) {
      const width = columns.reduce((sum, column) => sum + Math.max(1, Math.ceil(column.length / candidate)) * SUB_COLUMN, 0) + (columns.length - 1) * (RANK_GAP - SUB_COLUMN);
      if (width <= aspect * candidate * ROW) {
        rows = candidate;
        break;
      }
    }
    const positions = new Array(nodes.length);
    let x = 0;
    for (const column of columns) {
      const wraps = Math.max(1, Math.ceil(column.length / rows));
      column.forEach((i, at) => {
        const sub = Math.floor(at / rows);
        const inSub = sub === wraps - 1 ? column.length - sub * rows : rows;
        // A short column spreads over the height of the tallest, so its edges fan out evenly.
        const gap = (rows * ROW) / inSub;
        positions[i] = { x: x + sub * SUB_COLUMN, y: (at - sub * rows + 0.5) * gap };
      });
      x += (wraps - 1) * SUB_COLUMN + RANK_GAP;
    }
    return { positions, width: x, height: rows * ROW };
  }

  /** The main drawing, with what is drawn apart (observed but undeclared vendors) in a band of its own below it. */
  function layout(graph) {
    const box = $('#graph').getBoundingClientRect();
    const aspect = box.height > 0 ? Math.max(0.8, box.width / box.height) : 1.6;
    const apart = (node) => node.classes.includes('undeclared');
    const main = graph.nodes.filter((node) => !apart(node));
    const aside = graph.nodes.filter(apart);
    const positions = new Map();
    const nodeSize = Math.max(18, ...graph.nodes.map(sizeOf));
    const drawn = layeredPositions(main, graph.edges, aspect, nodeSize);
    main.forEach((node, i) => positions.set(node.id, drawn.positions[i]));
    if (aside.length > 0) {
      const band = layeredPositions(aside, graph.edges, aspect * 3, nodeSize);
      aside.forEach((node, i) => positions.set(node.id, { x: band.positions[i].x, y: drawn.height + 120 + band.positions[i].y }));
    }
    return positions;
  }

  // ---- Drawing ---------------------------------------------------------------------------------------------

  /** A group is drawn larger the more it stands for. */
  const sizeOf = (node) => (node.count > 1 ? Math.min(48, 20 + 6 * Math.log10(node.count)) : 18);

  const kindStyle = (kind) => KIND_STYLES[kind] || DEFAULT_KIND_STYLE;
  const safeClass = (text) => String(text).replace(/[^A-Za-z0-9_-]/g, '_');

  function edgeColour(edge) {
    if (!edge.safeguarded) return UNSAFEGUARDED;
    return MECHANISM_COLOURS[edge.label] || (EDGE_KIND_STYLES[edge.kind] || {}).colour || '#9aa3b5';
  }

  /** Labels in capitals with underscores are enum values, such as a mechanism: shown as words. */
  const edgeLabel = (edge) => (edge.label ? (/^[A-Z_]+$/.test(edge.label) ? words(edge.label) : edge.label) : '');

  function elementsOf(graph) {
    const positions = layout(graph);
    const summary = graph.level === 'SUMMARY';
    const maxFlows = Math.max(1, ...graph.edges.map((edge) => edge.flows || 1));
    return [
      ...graph.nodes.map((node) => {
        const style = kindStyle(node.kind);
        return {
          group: 'nodes',
          data: {
            id: node.id, label: node.label, kind: node.kind, key: node.key, count: node.count, flows: node.flows, filterField: node.filterField,
            colour: style.colour, shape: style.shape, size: sizeOf(node),
          },
          classes: [`kind-${safeClass(node.kind)}`, ...node.classes.map(safeClass)],
          position: positions.get(node.id),
        };
      }),
      ...graph.edges.map((edge, index) => ({
        group: 'edges',
        data: {
          id: `edge-${index}`, source: edge.from, target: edge.to, kind: edge.kind, label: edgeLabel(edge), flows: edge.flows,
          colour: edgeColour(edge),
          // In a summary an edge's width says how many flows it carries.
          width: summary ? 1.5 + 6 * Math.sqrt((edge.flows || 1) / maxFlows) : edge.safeguarded ? 1.5 : 3.5,
        },
        classes: [`edge-${safeClass(edge.kind)}`, ...edge.classes.map(safeClass), ...(summary ? ['quiet'] : [])],
      })),
    ];
  }

  function cytoscapeStyle() {
    const style = [
      {
        selector: 'node',
        style: {
          'background-color': 'data(colour)', shape: 'data(shape)', width: 'data(size)', height: 'data(size)',
          label: 'data(label)', 'font-size': 12, color: '#1d2330', 'text-valign': 'bottom', 'text-halign': 'center', 'text-margin-y': 4,
          'text-wrap': 'wrap', 'text-max-width': 170, 'text-background-color': '#fff', 'text-background-opacity': 0.85,
          'text-background-padding': 1, 'min-zoomed-font-size': 7,
        },
      },
      { selector: 'node.group', style: { 'border-width': 3, 'border-style': 'double', 'border-color': '#1d2b4f', 'font-weight': 'bold' } },
      { selector: 'node.unsafeguarded', style: { 'border-width': 3, 'border-color': UNSAFEGUARDED } },
      { selector: 'node.undeclared', style: { 'border-width': 2, 'border-style': 'dashed', 'border-color': '#37474f', 'background-opacity': 0.35 } },
      {
        selector: 'edge',
        style: {
          width: 'data(width)', 'line-color': 'data(colour)', 'target-arrow-color': 'data(colour)', 'target-arrow-shape': 'triangle',
          'arrow-scale': 0.9, 'curve-style': 'straight', label: 'data(label)', 'font-size': 12, color: '#263238',
          'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.9, 'text-background-padding': 2,
          'min-zoomed-font-size': 7, opacity: 0.85,
        },
      },
      // An edge without a label, and every edge of a summary, is drawn as a haystack (straight, centre to centre): no
      // end points or arrows to compute, which is most of the cost of a drawing. The columns give the direction.
      { selector: 'edge[label = ""], edge.quiet', style: { 'curve-style': 'haystack', 'haystack-radius': 0 } },
      { selector: 'edge.unsafeguarded', style: { 'line-style': 'dashed', color: UNSAFEGUARDED, 'font-weight': 'bold' } },
      // A summary has an edge between most pairs of groups: their counts show for the node under the pointer or selected.
      { selector: 'edge.quiet', style: { 'text-opacity': 0 } },
      { selector: 'edge.quiet.spoken', style: { 'text-opacity': 1, 'z-index': 10 } },
      { selector: 'edge.undeclared', style: { 'curve-style': 'straight', 'line-style': 'dashed', 'line-color': '#37474f', 'target-arrow-color': '#37474f' } },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#111', 'border-style': 'solid' } },
      { selector: '.faded', style: { opacity: 0.12 } },
      { selector: 'node.reached', style: { 'border-width': 3, 'border-color': '#111', 'border-style': 'solid' } },
    ];
    for (const [kind, edgeStyle] of Object.entries(EDGE_KIND_STYLES)) {
      if (edgeStyle.curve) style.push({ selector: `edge.edge-${kind}`, style: { 'curve-style': edgeStyle.curve, 'control-point-step-size': 60 } });
    }
    return style;
  }

  function renderLegend(graph) {
    const kinds = [...new Set(graph.nodes.map((node) => node.kind))];
    const nodeClasses = new Set(graph.nodes.flatMap((node) => node.classes));
    const edgeKinds = [...new Set(graph.edges.map((edge) => edge.kind))];
    const mechanisms = [...new Set(graph.edges.filter((edge) => edge.safeguarded && MECHANISM_COLOURS[edge.label]).map((edge) => edge.label))];
    const swatch = (colour, extra) => {
      const mark = el('span', { class: `swatch${extra ? ` ${extra}` : ''}` });
      if (colour) mark.style.backgroundColor = colour;
      return mark;
    };
    const line = (colour, dashed) => {
      const mark = el('span', { class: `line${dashed ? ' dashed' : ''}` });
      mark.style.borderTopColor = colour;
      return mark;
    };
    const rows = [
      ...kinds.map((kind) => el('div', { 'data-kind': kind }, swatch(kindStyle(kind).colour), (KIND_STYLES[kind] || {}).legend || words(kind))),
      ...Object.entries(NODE_CLASS_LEGEND).filter(([name]) => nodeClasses.has(name)).map(([name, text]) =>
        el('div', { 'data-class': name }, swatch(null, `class-${name}`), text)),
      ...mechanisms.map((mechanism) => el('div', {}, line(MECHANISM_COLOURS[mechanism]), words(mechanism))),
      ...edgeKinds.filter((kind) => EDGE_KIND_STYLES[kind] && EDGE_KIND_STYLES[kind].curve).map((kind) =>
        el('div', { 'data-edge-kind': kind }, line(EDGE_KIND_STYLES[kind].colour), EDGE_KIND_STYLES[kind].legend)),
      graph.edges.some((edge) => !edge.safeguarded) ? el('div', {}, line(UNSAFEGUARDED, true), 'no safeguard (third-country transfer)') : '',
      el('div', {}, line('#9aa3b5'), graph.level === 'SUMMARY' ? 'flows (wider: more)' : 'data passes (no transfer)'),
    ];
    $('#legend-items').replaceChildren(...rows.filter(Boolean));
  }

  /**
   * Shows the whole drawing, from the positions the layout gave: cy.fit() measures every label and edge to find the
   * bounding box, which on a few hundred nodes blocked the page for a few hundred milliseconds.
   */
  function fitPositions(positions) {
    fitted.positions = positions;
    if (positions.length === 0) return;
    const xs = positions.map((at) => at.x);
    const ys = positions.map((at) => at.y);
    // Room for the widest label (text-max-width) beside a node and two lines below it.
    const box = { left: Math.min(...xs) - 95, right: Math.max(...xs) + 95, top: Math.min(...ys) - 30, bottom: Math.max(...ys) + 60 };
    const width = cy.width();
    const height = cy.height();
    const zoom = Math.min(1.5, (width - 20) / (box.right - box.left), (height - 20) / (box.bottom - box.top));
    fitted.byUs = true;
    cy.viewport({ zoom, pan: { x: width / 2 - zoom * (box.left + box.right) / 2, y: height / 2 - zoom * (box.top + box.bottom) / 2 } });
    fitted.byUs = false;
  }

  /** The positions of the last fit, and whether the viewport still shows that fit (no zoom or pan by the user since). */
  const fitted = { positions: [], byUs: false, kept: true };

  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

  /** Elements added (and so styled and painted) per frame: no frame is a task long enough to be felt. */
  const ELEMENTS_PER_FRAME = 150;

  /**
   * Draws the graph a hundred and fifty elements a frame, nodes first. False when a newer drawing took over.
   */
  async function drawGraph(graph, request) {
    state.graph = graph;
    const elements = elementsOf(graph);
    const nodes = elements.filter((element) => element.group === 'nodes');
    performance.mark('datamap:draw');
    cy.elements().remove();
    fitted.kept = true;
    fitPositions(nodes.map((element) => element.position));
    renderLegend(graph);
    const problems = graph.edges.filter((edge) => !edge.safeguarded).length;
    const graphBox = $('#graph');
    graphBox.dataset.nodes = String(graph.nodes.length);
    graphBox.dataset.level = graph.level;
    const note = $('#level-note');
    if (graph.level === 'SUMMARY') {
      setStatus(`Summary of ${number(graph.size.nodes)} nodes and ${number(graph.size.edges)} edges (${number(graph.size.flows)} flows)`);
      note.textContent = `${number(graph.size.nodes)} nodes are too many to read in one drawing, so they are grouped. ` +
        'Double-click a group (or click it, then Expand), search, or filter to draw a part of the map.';
      note.hidden = false;
    } else {
      setStatus(`${graph.nodes.length} nodes, ${graph.edges.length} edges${problems ? `, ${problems} unsafeguarded transfers` : ''}`);
      note.hidden = true;
    }
    for (let from = 0; from < elements.length; from += ELEMENTS_PER_FRAME) {
      if (from > 0) await nextFrame();
      if (request !== state.request) return false;
      cy.add(elements.slice(from, from + ELEMENTS_PER_FRAME));
    }
    // Painted: Cytoscape draws on the next animation frame.
    await nextFrame();
    await nextFrame();
    if (request !== state.request) return false;
    performance.mark('datamap:drawn');
    graphBox.dataset.draws = String(Number(graphBox.dataset.draws || 0) + 1);
    if (state.measuring) {
      state.timings.push({ what: state.measuring.what, level: graph.level, nodes: graph.nodes.length, edges: graph.edges.length, ms: performance.now() - state.measuring.since });
      state.measuring = null;
    }
    return true;
  }

  // ---- Filters and search ----------------------------------------------------------------------------------

  const SELECTS = { categories: 'category', purposes: 'purpose', destinations: 'country' };

  function currentFilter() {
    const form = new FormData($('#filters'));
    const filter = {};
    if (form.get('category')) filter.categories = [form.get('category')];
    if (form.get('purpose')) filter.purposes = [form.get('purpose')];
    if (form.get('country')) filter.destinations = [form.get('country')];
    if (form.get('legalBasis')) filter.legalBases = [form.get('legalBasis')];
    if (form.get('thirdCountryOnly')) filter.thirdCountryOnly = true;
    for (const chip of state.chips) filter[chip.field] = [chip.key];
    return Object.keys(filter).length > 0 ? filter : null;
  }

  function renderChips() {
    $('#filter-chips').replaceChildren(...state.chips.map((chip) => {
      const remove = el('button', { type: 'button', 'aria-label': `remove ${chip.label}` }, '×');
      remove.addEventListener('click', () => {
        state.chips = state.chips.filter((other) => other !== chip);
        renderChips();
        measure('filter');
        loadMap().catch(fail);
      });
      return el('span', { class: 'chip', 'data-field': chip.field }, `${words(chip.field).replace(/s$/, '').replace(/ie$/, 'y')}: ${chip.label}`, remove);
    }));
  }

  /** Narrows the map to one thing (a search hit or a node): its select when it has one, a chip otherwise. */
  function narrowTo(field, key, label) {
    const select = SELECTS[field] && $('#filters').elements[SELECTS[field]];
    if (select) {
      if (![...select.options].some((option) => option.value === key)) select.append(el('option', { value: key }, label));
      select.value = key;
    } else {
      state.chips = [...state.chips.filter((chip) => chip.field !== field), { field, key, label }];
      renderChips();
    }
    clearPerson();
    measure('filter');
    return loadMap();
  }

  /** The SUMMARY within the filter, or, when the whole of it can be drawn, every node (FULL). */
  /** `before`: what must be done before anything is drawn (the filters filled). */
  async function loadMap(before = Promise.resolve()) {
    const request = ++state.request;
    setStatus('Loading…');
    const filter = currentFilter();
    const groupProcessorsBy = $('#filters').elements.groupProcessorsBy.value;
    let graph = (await graphql('MapGraph', GRAPH, { filter, level: 'SUMMARY', groupProcessorsBy })).dataMapGraph;
    if (graph.size.nodes <= DRAW_LIMIT.nodes && graph.size.edges <= DRAW_LIMIT.edges) {
      graph = (await graphql('MapGraph', GRAPH, { filter, level: 'FULL', groupProcessorsBy })).dataMapGraph;
    }
    await before;
    if (request !== state.request) return null;
    return (await drawGraph(graph, request)) ? graph : null;
  }

  let searchTimer;
  let searchRequest = 0;
  async function search(text) {
    const request = ++searchRequest;
    const list = $('#search-results');
    if (text.trim().length === 0) {
      list.hidden = true;
      return;
    }
    const hits = (await graphql('MapSearch', SEARCH, { text: text.slice(0, 100) })).dataMapSearch;
    if (request !== searchRequest) return;
    list.replaceChildren(...(hits.length ? hits.map((hit) => {
      const button = el('button', { type: 'button', 'data-kind': hit.kind, 'data-key': hit.key }, el('span', { class: 'kind' }, words(hit.kind)), hit.label);
      button.addEventListener('click', () => {
        list.hidden = true;
        $('#search-input').value = '';
        narrowTo(hit.filterField, hit.key, hit.label).catch(fail);
      });
      return el('li', {}, button);
    }) : [el('li', { class: 'hint' }, 'Nothing matches.')]));
    list.hidden = false;
  }

  // ---- Details ---------------------------------------------------------------------------------------------

  function definitionList(pairs) {
    return el('dl', {}, pairs.filter(([, value]) => value !== undefined && value !== null && value !== '').map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
  }
  const keys = (list) => (list || []).map((item) => item.key).join(', ') || '—';

  /** "P3Y" as "3 years"; other periods as written. */
  function period(duration) {
    const match = /^P(\d+)([YMWD])$/.exec(duration || '');
    if (!match) return duration || '';
    const unit = { Y: 'year', M: 'month', W: 'week', D: 'day' }[match[2]];
    return `${match[1]} ${unit}${match[1] === '1' ? '' : 's'}`;
  }
  function retentionText(retention) {
    if (!retention) return 'no retention rule';
    const kept = retention.duration ? `${period(retention.duration)} from ${words(retention.startsAt)}` : `until ${words(retention.until || retention.startsAt)}`;
    return retention.duration && retention.until ? `${kept}, or until ${words(retention.until)}` : kept;
  }

  function neighbourText(edge, end) {
    const label = edge.data('label');
    return `${end.data('label')}${label ? ` (${label})` : ''}`;
  }
  function listed(texts, most = 30) {
    return texts.length > most ? `${texts.slice(0, most).join(', ')} and ${number(texts.length - most)} more` : texts.join(', ');
  }

  async function entityDetails(kind, key) {
    const asks = { processor: kind === 'PROCESSOR', activity: kind === 'ACTIVITY', category: kind === 'CATEGORY', country: kind === 'COUNTRY', purpose: kind === 'PURPOSE' };
    if (!Object.values(asks).some(Boolean)) return null;
    const data = await graphql('MapNodeDetails', DETAILS, { key, ...asks });
    if (kind === 'PROCESSOR' && data.processor) {
      const p = data.processor;
      return [
        definitionList([['Key', p.key], ['Service', p.service], ['Status', p.status], ['Website', p.website], ['Headquarters', `${p.headquarters.name} (${p.headquarters.code})`], ['Receives', keys(p.dataCategories)], ['Activities', listed(p.activities.map((a) => a.name))]]),
        el('h2', {}, 'Locations'),
        el('table', {}, el('tr', {}, el('th', {}, 'country'), el('th', {}, 'mechanism'), el('th', {}, 'reference')),
          p.locations.map((l) => el('tr', {}, el('td', {}, `${l.country.name} (${l.country.code})`), el('td', {}, l.mechanism || (l.country.inEEA ? 'EEA' : '—')), el('td', {}, l.reference || '')))),
      ];
    }
    if (kind === 'ACTIVITY' && data.processingActivity) {
      const a = data.processingActivity;
      return [definitionList([['Key', a.key], ['Purpose', a.purpose.name], ['Legal basis', words(a.legalBasis)], ['Consent needed', a.requiredConsent && a.requiredConsent.name], ['Categories', keys(a.dataCategories)], ['Processors', listed(a.processors.map((p) => p.name))], ['Retention', retentionText(a.retention)]])];
    }
    if (kind === 'CATEGORY' && data.dataCategory) {
      const c = data.dataCategory;
      return [definitionList([['Key', c.key], ['Broader', c.parent && c.parent.key], ['Narrower', keys(c.children)]])];
    }
    if (kind === 'COUNTRY' && data.country) {
      const c = data.country;
      return [definitionList([['Code', c.code], ['In the EEA', c.inEEA ? 'yes' : 'no'], ['Adequacy', c.adequacy]])];
    }
    if (kind === 'PURPOSE' && data.purpose) {
      const p = data.purpose;
      return [definitionList([['Key', p.key], ['Description', p.description], ['Broader', p.parent && p.parent.name], ['Narrower', p.children.map((c) => c.name).join(', ')]])];
    }
    return [el('p', {}, 'Not found.')];
  }

  async function showDetail(node) {
    const kind = node.data('kind');
    const panel = $('#detail');
    panel.replaceChildren(el('h2', {}, node.data('label')), el('p', { class: 'hint' }, 'Loading…'));
    const body = (await entityDetails(kind, node.data('key'))) || [];
    const incoming = node.incomers('edge').map((edge) => neighbourText(edge, edge.source()));
    const outgoing = node.outgoers('edge').map((edge) => neighbourText(edge, edge.target()));
    const unsafe = node.connectedEdges('.unsafeguarded').length;
    const actions = [];
    if (node.data('filterField')) {
      const narrow = el('button', { type: 'button', id: 'narrow' }, node.hasClass('group') ? 'Expand this group' : 'Narrow the map to this');
      narrow.addEventListener('click', () => narrowTo(node.data('filterField'), node.data('key'), node.data('label')).catch(fail));
      actions.push(narrow);
    }
    // A group without a filter of its own (processors by safeguard) expands through the countries it reaches.
    if (node.hasClass('group') && !node.data('filterField')) {
      for (const edge of node.outgoers('edge')) {
        const target = edge.target();
        if (!target.data('filterField')) continue;
        const narrow = el('button', { type: 'button' }, `Expand: ${target.data('label')}`);
        narrow.addEventListener('click', () => narrowTo(target.data('filterField'), target.data('key'), target.data('label')).catch(fail));
        actions.push(narrow);
      }
    }
    panel.replaceChildren(
      el('h2', {}, node.data('label')),
      el('p', { class: 'hint' }, `${words(kind)}${node.data('count') > 1 ? `: ${number(node.data('count'))} in this group` : ''}, ${number(node.data('flows'))} flows`),
      actions.length ? el('div', { class: 'buttons' }, actions) : '',
      ...body,
      definitionList([['From', listed(incoming)], ['To', listed(outgoing)]]),
      unsafe ? el('p', { class: 'problem' }, `${unsafe} transfer edge${unsafe > 1 ? 's' : ''} without a safeguard`) : '',
    );
    panel.dataset.node = node.id();
  }

  // ---- One person ------------------------------------------------------------------------------------------

  function checkboxes(container, items, name, describe) {
    container.append(...items.map((item) => el('label', {}, el('input', { type: 'checkbox', name, value: item.key, checked: item.automatic }), describe(item))));
  }

  /** What a person's flow rests on, under their regime (null: none applies, so nothing is a regulated transfer). */
  const transferText = (flow, regime) => {
    if (flow.mechanism) return words(flow.mechanism);
    if (!flow.safeguarded) return 'no safeguard';
    if (!flow.thirdCountry) return regime === 'EU_GDPR' ? 'within the EEA' : 'no transfer';
    return flow.regulatedTransfer ? '' : 'no regime applies';
  };
  const flowText = (flow) => `${flow.category.key} → ${flow.activity.key} → ${flow.processor.key} → ${flow.destination.code}`;
  const covers = (broad, key) => key === broad || key.startsWith(`${broad}.`);
  /** The group a flow's transfer falls in when processors are grouped by safeguard (as the server groups them). */
  const safeguardGroup = (flow) => (!flow.thirdCountry ? 'EEA' : flow.safeguarded && flow.mechanism ? flow.mechanism : 'NO_SAFEGUARD');

  /** Whether a node of the drawing (an entity or a group) carries some of these flows, by the filter field it stands for. */
  function nodeReached(node, reached) {
    const key = node.data('key');
    switch (node.data('filterField')) {
      case 'categories': return [...reached.categories].some((category) => covers(key, category));
      case 'purposes': return [...reached.purposes].some((purpose) => covers(key, purpose));
      case 'activities': return reached.activities.has(key);
      case 'processors': return reached.processors.has(key);
      case 'destinations': return reached.countries.has(key);
      default: return node.data('kind') === 'PROCESSOR_GROUP' && reached.safeguards.has(key);
    }
  }

  async function showPerson() {
    const form = new FormData($('#person'));
    const birthDate = String(form.get('birthDate') || '');
    const profile = {
      country: String(form.get('country') || '').trim().toUpperCase(),
      collectionPoints: form.getAll('collectionPoint'),
      consents: form.getAll('consent'),
      // Only with a birth date does the age count; it goes in this request and nowhere else.
      ...(birthDate ? { birthDate, parentalConsent: form.get('parentalConsent') === 'on' } : {}),
    };
    const result = (await graphql('MapPerson', PERSON, { profile, filter: currentFilter() })).userDataFlow;
    const summary = result.summary;
    const flows = result.flows.nodes;
    const excluded = result.excluded.nodes;
    const reached = {
      categories: new Set(summary.categories.map((c) => c.key)),
      processors: new Set(summary.processors.map((p) => p.key)),
      countries: new Set(summary.countries.map((c) => c.code)),
      activities: new Set(flows.map((flow) => flow.activity.key)),
      purposes: new Set(flows.map((flow) => flow.purpose.key)),
      safeguards: new Set(flows.map(safeguardGroup)),
    };
    cy.batch(() => {
      cy.elements().removeClass('reached faded');
      cy.nodes().forEach((node) => node.addClass(nodeReached(node, reached) ? 'reached' : 'faded'));
      cy.edges().forEach((edge) => edge.addClass(edge.source().hasClass('reached') && edge.target().hasClass('reached') ? 'reached' : 'faded'));
    });
    const byReason = {};
    for (const item of excluded) (byReason[item.reason] = byReason[item.reason] || []).push(item.flow);
    const reasons = {
      NOT_COLLECTED: 'not collected: none of the chosen collection points gathers this data for this activity',
      CONSENT_NOT_GIVEN: 'consent not given: the activity relies on a consent this person has not granted',
      BELOW_DIGITAL_CONSENT_AGE: 'below the age of digital consent: the activity needs a parent\'s consent (in Quebec and India, every activity does)',
      SUBPROCESSOR_NOTICE_PERIOD: 'the processor is announced but its notice period has not ended',
    };
    const counts = Object.fromEntries(summary.excludedByReason.map((group) => [group.reason, group.count]));
    const processors = summary.processors.map((p) => p.name);
    const panel = $('#person-result');
    panel.hidden = false;
    panel.replaceChildren(
      el('h2', {}, 'Their data reaches'),
      // The law this person's flows are judged under (UserDataFlow.regime), from where they are.
      el('p', { id: 'person-regime' }, result.regime ? `Regime: ${String(result.regime).replaceAll('_', ' ')}` : 'Regime: none of the EU GDPR, UK GDPR or FADP applies'),
      el('p', { id: 'person-processors' }, processors.length ? listed(processors, 50) : 'no processor'),
      el('p', { class: 'hint' }, `${number(summary.flowCount)} flows apply, ${number(summary.excludedCount)} do not` +
        (flows.length < summary.flowCount ? ` (the first ${number(flows.length)} are listed)` : '') + '.'),
      el('table', { id: 'person-flows' },
        el('tr', {}, el('th', {}, 'flow'), el('th', {}, 'legal basis'), el('th', {}, 'retention'), el('th', {}, 'transfer')),
        flows.map((flow) => el('tr', {},
          el('td', {}, flowText(flow)),
          el('td', { class: 'legal-basis' }, words(flow.legalBasis)),
          el('td', { class: 'retention' }, retentionText(flow.retention)),
          el('td', { class: flow.safeguarded ? '' : 'problem' }, transferText(flow, result.regime))))),
      el('h2', {}, 'Why the rest is excluded'),
      ...Object.entries(byReason).map(([reason, list]) =>
        el('details', { 'data-reason': reason, open: reason === 'CONSENT_NOT_GIVEN' || reason === 'BELOW_DIGITAL_CONSENT_AGE' },
          el('summary', {}, `${reason} (${number(counts[reason] ?? list.length)}): ${reasons[reason] || ''}`),
          el('ul', {}, [...new Set(list.map((flow) => `${flow.activity.name}: ${flow.processor.name}`))].map((text) => el('li', {}, text))))),
    );
  }

  function clearPerson() {
    if (cy) cy.elements().removeClass('reached faded');
    $('#person-result').hidden = true;
  }

  // ---- Start -----------------------------------------------------------------------------------------------

  function fillSelect(select, options) {
    const fragment = document.createDocumentFragment();
    for (const [value, label] of options) fragment.append(el('option', { value }, label));
    select.append(fragment);
  }

  function fillChoices(found) {
    const filters = $('#filters');
    if (filters.category.options.length > 1) return;
    const indent = (key) => '  '.repeat(key.split('.').length - 1);
    fillSelect(filters.category, found.dataCategories.nodes.map((c) => [c.key, `${indent(c.key)}${c.name}`]));
    fillSelect(filters.purpose, found.purposes.nodes.map((p) => [p.key, `${indent(p.key)}${p.name}`]));
    fillSelect(filters.country, [...found.countries.nodes].sort((a, b) => a.name.localeCompare(b.name)).map((c) => [c.code, `${c.name} (${c.code})`]));
    fillSelect(filters.legalBasis, LEGAL_BASES.map((basis) => [basis, words(basis)]));
    checkboxes($('#person-collection-points'), found.collectionPoints.nodes, 'collectionPoint', (c) => `${c.name}${c.automatic ? ' (automatic)' : ''}`);
    checkboxes($('#person-consents'), found.consents.nodes, 'consent', (c) => c.name);
  }

  function ensureMap() {
    if (cy) return;
    cy = cytoscape({ container: $('#graph'), wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 4, style: cytoscapeStyle() });
    window.datamapMap.cy = cy;
    cy.on('tap', 'node', (event) => showDetail(event.target).catch(fail));
    // The drawing stays whole in its box when the box changes (a window resized, the legend wrapping, the map shown
    // after a refused token), until the user zooms or pans it.
    cy.on('viewport', () => {
      if (!fitted.byUs) fitted.kept = false;
    });
    cy.on('resize', () => {
      if (fitted.kept) fitPositions(fitted.positions);
    });
    const speak = (node, on) => node.connectedEdges('.quiet').toggleClass('spoken', on || node.selected());
    cy.on('mouseover', 'node', (event) => speak(event.target, true));
    cy.on('mouseout', 'node', (event) => speak(event.target, false));
    cy.on('select unselect', 'node', (event) => speak(event.target, event.type === 'select'));
    cy.on('dbltap', 'node.group', (event) => {
      const node = event.target;
      if (node.data('filterField')) narrowTo(node.data('filterField'), node.data('key'), node.data('label')).catch(fail);
    });
  }

  async function start() {
    $('#token-prompt').hidden = true;
    $('#map').hidden = false;
    $('#sign-out').hidden = false;
    ensureMap();
    // Measured now that it is shown (Cytoscape also watches its box, but a hidden one measures as empty).
    cy.resize();
    try {
      // Both questions at once; the filters and the person form are filled before anything is drawn.
      const filled = (choices ? Promise.resolve(choices) : graphql('MapChoices', CHOICES)).then((found) => {
        choices = found;
        fillChoices(found);
        performance.mark('datamap:choices');
      });
      const pendingMap = loadMap(filled);
      pendingMap.catch(() => {});
      await filled;
      await pendingMap;
      document.body.dataset.ready = 'true';
    } catch (error) {
      fail(error);
    }
  }

  $('#token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('#token-input').value.trim().replace(/^Bearer\s+/i, '');
    if (!token) return;
    window.datamapToken.set(token);
    $('#token-input').value = '';
    measure('token');
    start();
  });
  $('#sign-out').addEventListener('click', () => {
    window.datamapToken.set('');
    showPrompt('Token forgotten. Paste another to open the map.');
  });
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    clearPerson();
    measure('filter');
    loadMap().catch(fail);
  });
  $('#filters').addEventListener('reset', () => {
    state.chips = [];
    renderChips();
    clearPerson();
    setTimeout(() => {
      measure('filter');
      loadMap().catch(fail);
    });
  });
  $('#search').addEventListener('submit', (event) => {
    event.preventDefault();
    const first = $('#search-results button');
    if (first) first.click();
  });
  $('#search-input').addEventListener('input', (event) => {
    clearTimeout(searchTimer);
    const text = event.target.value;
    searchTimer = setTimeout(() => search(text).catch(fail), 200);
  });
  $('#person').addEventListener('submit', (event) => {
    event.preventDefault();
    showPerson().catch(fail);
  });
  $('#person-clear').addEventListener('click', clearPerson);

  // Cytoscape is set up while the visitor finds a token: its style and renderer are ready when the map arrives.
  ensureMap();
  if (window.datamapToken.get()) {
    measure('token');
    start();
  } else showPrompt();
})();

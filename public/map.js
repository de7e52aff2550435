// The data-map page: draws dataMapGraph with Cytoscape.js (layered by dagre), filters it, explains a clicked
// node, and shows one person's flows (userDataFlow). Reads through the GraphQL API with the tab's token.
(function () {
  'use strict';
  const $ = (selector) => document.querySelector(selector);
  const LEGAL_BASES = ['CONSENT', 'CONTRACT', 'LEGAL_OBLIGATION', 'VITAL_INTERESTS', 'PUBLIC_TASK', 'LEGITIMATE_INTERESTS'];
  const KIND_COLOURS = { CATEGORY: '#5b8def', ACTIVITY: '#8e6bd8', PROCESSOR: '#2a9d8f', COUNTRY: '#e9a23b' };
  const MECHANISM_COLOURS = {
    ADEQUACY_DECISION: '#2e7d32',
    STANDARD_CONTRACTUAL_CLAUSES: '#1565c0',
    BINDING_CORPORATE_RULES: '#6a1b9a',
    CODE_OF_CONDUCT: '#00838f',
    CERTIFICATION: '#00838f',
    DEROGATION_EXPLICIT_CONSENT: '#ef6c00',
    DEROGATION_CONTRACT: '#ef6c00',
  };
  const UNSAFEGUARDED = '#d32f2f';

  /** Builds an element; children are nodes or text (never parsed as HTML). */
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

  const CHOICES = `query MapChoices {
    dataCategories(first: 1000) { nodes { key name parent { key } } }
    processors(status: ACTIVE, first: 1000) { nodes { key name } }
    collectionPoints(first: 1000) { nodes { key name automatic } }
    consents(first: 1000) { nodes { key name } }
  }`;
  const GRAPH = `query MapGraph($filter: DataFlowFilter) {
    dataMapGraph(filter: $filter) { nodes { id kind key label } edges { from to label safeguarded } }
  }`;
  const DETAILS = `query MapNodeDetails($key: ID!, $processor: Boolean!, $activity: Boolean!, $category: Boolean!, $country: Boolean!) {
    processor(key: $key) @include(if: $processor) {
      key name service status website headquarters { code name }
      locations { country { code name inEEA } mechanism reference }
      dataCategories { key } activities { key name }
    }
    processingActivity(key: $key) @include(if: $activity) {
      key name legalBasis purpose { key name } requiredConsent { key name }
      dataCategories { key } processors { key name } retention { key duration reason }
    }
    dataCategory(key: $key) @include(if: $category) { key name parent { key } children { key } }
    country(code: $key) @include(if: $country) { code name inEEA adequacy }
  }`;
  const FLOW_FIELDS = 'category { key } activity { key name } processor { key name } destination { code } legalBasis mechanism safeguarded';
  // userDataFlow's flows and exclusions are connections; one page of each (1000, the largest) draws a person.
  const PERSON_AS_CONNECTIONS = `query MapPerson($profile: SubjectProfileInput!) {
    userDataFlow(profile: $profile) {
      processors { key name }
      flows(first: 1000) { totalCount nodes { ${FLOW_FIELDS} } }
      excluded(first: 1000) { totalCount nodes { reason flow { ${FLOW_FIELDS} } } }
    }
  }`;

  let cy;
  let choices;

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

  function fillSelect(select, options) {
    for (const [value, label] of options) select.append(el('option', { value }, label));
  }

  function renderLegend() {
    const rows = Object.entries(KIND_COLOURS).map(([kind, colour]) =>
      el('div', {}, el('span', { style: `display:inline-block;width:12px;height:12px;border-radius:6px;background:${colour}` }), kind.toLowerCase()),
    );
    const mechanisms = [...new Set(Object.values(MECHANISM_COLOURS))].map((colour) =>
      el('div', {}, el('i', { style: `border-color:${colour}` }), Object.keys(MECHANISM_COLOURS).filter((m) => MECHANISM_COLOURS[m] === colour).join(', ').toLowerCase().replaceAll('_', ' ')),
    );
    $('#legend').replaceChildren(
      el('h2', {}, 'Legend'),
      ...rows,
      ...mechanisms,
      el('div', {}, el('i', { style: `border-color:${UNSAFEGUARDED};border-top-style:dashed` }), 'no safeguard (third-country transfer)'),
      el('div', {}, el('i', { style: 'border-color:#9aa3b5' }), 'data passes (no transfer)'),
    );
  }

  function edgeColour(edge) {
    if (!edge.safeguarded) return UNSAFEGUARDED;
    return MECHANISM_COLOURS[edge.label] || '#9aa3b5';
  }

  function drawGraph(graph) {
    const elements = [
      ...graph.nodes.map((node) => ({ data: { id: node.id, label: node.label, kind: node.kind, key: node.key, colour: KIND_COLOURS[node.kind] } })),
      ...graph.edges.map((edge, index) => ({
        data: {
          id: `edge-${index}`,
          source: edge.from,
          target: edge.to,
          label: edge.label && edge.label !== 'no safeguard' ? edge.label.toLowerCase().replaceAll('_', ' ') : edge.safeguarded ? '' : 'no safeguard',
          colour: edgeColour(edge),
          safeguarded: edge.safeguarded,
        },
        classes: edge.safeguarded ? '' : 'unsafeguarded',
      })),
    ];
    cy.elements().remove();
    cy.add(elements);
    cy.layout({ name: 'dagre', rankDir: 'LR', nodeSep: 30, rankSep: 180, animate: false }).run();
    cy.fit(undefined, 24);
    const problems = graph.edges.filter((edge) => !edge.safeguarded).length;
    setStatus(`${graph.nodes.length} nodes, ${graph.edges.length} edges${problems ? `, ${problems} unsafeguarded transfers` : ''}`);
    $('#graph').dataset.nodes = String(graph.nodes.length);
  }

  function currentFilter() {
    const form = new FormData($('#filters'));
    const filter = {};
    if (form.get('category')) filter.categories = [form.get('category')];
    if (form.get('processor')) filter.processors = [form.get('processor')];
    if (form.get('country')) filter.destinations = [form.get('country')];
    if (form.get('legalBasis')) filter.legalBases = [form.get('legalBasis')];
    if (form.get('thirdCountryOnly')) filter.thirdCountryOnly = true;
    return Object.keys(filter).length > 0 ? filter : null;
  }

  async function loadGraph() {
    setStatus('Loading…');
    const data = await graphql('MapGraph', GRAPH, { filter: currentFilter() });
    drawGraph(data.dataMapGraph);
    return data.dataMapGraph;
  }

  function definitionList(pairs) {
    return el('dl', {}, pairs.filter(([, value]) => value !== undefined && value !== null && value !== '').map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
  }
  const keys = (list) => (list || []).map((item) => item.key).join(', ') || '—';

  async function showDetail(node) {
    const kind = node.data('kind');
    const key = node.data('key');
    const panel = $('#detail');
    panel.replaceChildren(el('h2', {}, node.data('label')), el('p', { class: 'hint' }, 'Loading…'));
    const data = await graphql('MapNodeDetails', DETAILS, {
      key,
      processor: kind === 'PROCESSOR',
      activity: kind === 'ACTIVITY',
      category: kind === 'CATEGORY',
      country: kind === 'COUNTRY',
    });
    let body;
    if (kind === 'PROCESSOR' && data.processor) {
      const p = data.processor;
      body = [
        definitionList([['Key', p.key], ['Service', p.service], ['Status', p.status], ['Website', p.website], ['Headquarters', `${p.headquarters.name} (${p.headquarters.code})`], ['Receives', keys(p.dataCategories)], ['Activities', p.activities.map((a) => a.name).join(', ')]]),
        el('h2', {}, 'Locations'),
        el('table', {}, el('tr', {}, el('th', {}, 'country'), el('th', {}, 'mechanism'), el('th', {}, 'reference')),
          p.locations.map((l) => el('tr', {}, el('td', {}, `${l.country.name} (${l.country.code})`), el('td', {}, l.mechanism || (l.country.inEEA ? 'EEA' : '—')), el('td', {}, l.reference || '')))),
      ];
    } else if (kind === 'ACTIVITY' && data.processingActivity) {
      const a = data.processingActivity;
      body = [definitionList([['Key', a.key], ['Purpose', a.purpose.name], ['Legal basis', a.legalBasis], ['Consent needed', a.requiredConsent && a.requiredConsent.name], ['Categories', keys(a.dataCategories)], ['Processors', a.processors.map((p) => p.name).join(', ')], ['Retention', a.retention ? `${a.retention.duration}${a.retention.reason ? ` (${a.retention.reason})` : ''}` : 'no retention rule']])];
    } else if (kind === 'CATEGORY' && data.dataCategory) {
      const c = data.dataCategory;
      body = [definitionList([['Key', c.key], ['Broader', c.parent && c.parent.key], ['Narrower', keys(c.children)]])];
    } else if (kind === 'COUNTRY' && data.country) {
      const c = data.country;
      body = [definitionList([['Code', c.code], ['In the EEA', c.inEEA ? 'yes' : 'no'], ['Adequacy', c.adequacy]])];
    } else {
      body = [el('p', {}, 'Not found.')];
    }
    const incoming = node.incomers('edge').map((edge) => `${edge.source().data('label')}${edge.data('label') ? ` (${edge.data('label')})` : ''}`);
    const outgoing = node.outgoers('edge').map((edge) => `${edge.target().data('label')}${edge.data('label') ? ` (${edge.data('label')})` : ''}`);
    const unsafe = node.connectedEdges('.unsafeguarded').length;
    panel.replaceChildren(
      el('h2', {}, node.data('label')),
      el('p', { class: 'hint' }, kind.toLowerCase()),
      ...body,
      definitionList([['From', incoming.join(', ')], ['To', outgoing.join(', ')]]),
      unsafe ? el('p', { class: 'problem' }, `${unsafe} transfer${unsafe > 1 ? 's' : ''} without a safeguard`) : '',
    );
    panel.dataset.node = node.id();
  }

  function checkboxes(container, items, name, describe) {
    container.append(...items.map((item) => el('label', {}, el('input', { type: 'checkbox', name, value: item.key, checked: item.automatic }), describe(item))));
  }

  const listOf = (value) => (Array.isArray(value) ? value : (value && value.nodes) || []);

  async function personFlows(profile) {
    return (await graphql('MapPerson', PERSON_AS_CONNECTIONS, { profile })).userDataFlow;
  }

  const flowText = (flow) => `${flow.category.key} → ${flow.activity.key} → ${flow.processor.key} → ${flow.destination.code}`;

  async function showPerson() {
    const form = new FormData($('#person'));
    const profile = {
      country: String(form.get('country') || '').trim().toUpperCase(),
      collectionPoints: form.getAll('collectionPoint'),
      consents: form.getAll('consent'),
    };
    const result = await personFlows(profile);
    const flows = listOf(result.flows);
    const excluded = listOf(result.excluded);
    const reached = new Set();
    for (const flow of flows) {
      reached.add(`category:${flow.category.key}`).add(`activity:${flow.activity.key}`).add(`processor:${flow.processor.key}`).add(`country:${flow.destination.code}`);
    }
    cy.batch(() => {
      cy.elements().removeClass('reached faded');
      cy.nodes().forEach((node) => node.addClass(reached.has(node.id()) ? 'reached' : 'faded'));
      cy.edges().forEach((edge) => edge.addClass(reached.has(edge.source().id()) && reached.has(edge.target().id()) ? 'reached' : 'faded'));
    });
    const byReason = {};
    for (const item of excluded) (byReason[item.reason] = byReason[item.reason] || []).push(item.flow);
    const reasons = {
      NOT_COLLECTED: 'not collected: none of the chosen collection points gathers this data for this activity',
      CONSENT_NOT_GIVEN: 'consent not given: the activity relies on a consent this person has not granted',
    };
    const panel = $('#person-result');
    panel.hidden = false;
    panel.replaceChildren(
      el('h2', {}, 'Their data reaches'),
      el('p', { id: 'person-processors' }, result.processors.map((p) => p.name).join(', ') || 'no processor'),
      el('p', { class: 'hint' }, `${flows.length} flows apply, ${excluded.length} do not.`),
      el('table', { id: 'person-flows' }, flows.map((flow) => el('tr', {}, el('td', {}, flowText(flow)), el('td', { class: flow.safeguarded ? '' : 'problem' }, flow.mechanism ? flow.mechanism.toLowerCase().replaceAll('_', ' ') : flow.safeguarded ? '' : 'no safeguard')))),
      el('h2', {}, 'Why the rest is excluded'),
      ...Object.entries(byReason).map(([reason, list]) =>
        el('details', { 'data-reason': reason, open: reason === 'CONSENT_NOT_GIVEN' },
          el('summary', {}, `${reason} (${list.length}): ${reasons[reason] || ''}`),
          el('ul', {}, [...new Set(list.map((flow) => `${flow.activity.name}: ${flow.processor.name}`))].map((text) => el('li', {}, text))))),
    );
  }

  function clearPerson() {
    cy.elements().removeClass('reached faded');
    $('#person-result').hidden = true;
  }

  async function start() {
    $('#token-prompt').hidden = true;
    $('#map').hidden = false;
    $('#sign-out').hidden = false;
    if (!cy) {
      cy = cytoscape({
        container: $('#graph'),
        wheelSensitivity: 0.3,
        style: [
          { selector: 'node', style: { 'background-color': 'data(colour)', label: 'data(label)', 'font-size': 11, 'text-valign': 'bottom', 'text-halign': 'center', 'text-margin-y': 3, 'text-wrap': 'wrap', 'text-max-width': 140, 'text-background-color': '#fff', 'text-background-opacity': 0.8, width: 16, height: 16 } },
          { selector: 'edge', style: { width: 1.5, 'line-color': 'data(colour)', 'target-arrow-color': 'data(colour)', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'arrow-scale': 0.8, label: 'data(label)', 'font-size': 8, 'text-rotation': 'autorotate', color: '#555' } },
          { selector: 'edge.unsafeguarded', style: { width: 3.5, 'line-style': 'dashed', color: UNSAFEGUARDED, 'font-weight': 'bold' } },
          { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#111' } },
          { selector: '.faded', style: { opacity: 0.12 } },
          { selector: 'node.reached', style: { 'border-width': 2, 'border-color': '#111' } },
        ],
      });
      window.datamapMap = { cy };
      cy.on('tap', 'node', (event) => showDetail(event.target).catch(fail));
    }
    try {
      choices = choices || (await graphql('MapChoices', CHOICES));
      const graph = await loadGraph();
      const filters = $('#filters');
      if (filters.category.options.length === 1) {
        fillSelect(filters.category, choices.dataCategories.nodes.map((c) => [c.key, c.parent ? `  ${c.name} (${c.key})` : c.name]));
        fillSelect(filters.processor, choices.processors.nodes.map((p) => [p.key, p.name]));
        fillSelect(filters.country, graph.nodes.filter((n) => n.kind === 'COUNTRY').map((n) => [n.key, n.label]));
        fillSelect(filters.legalBasis, LEGAL_BASES.map((basis) => [basis, basis.toLowerCase().replaceAll('_', ' ')]));
        checkboxes($('#person-collection-points'), choices.collectionPoints.nodes, 'collectionPoint', (c) => `${c.name}${c.automatic ? ' (automatic)' : ''}`);
        checkboxes($('#person-consents'), choices.consents.nodes, 'consent', (c) => c.name);
      }
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
    start();
  });
  $('#sign-out').addEventListener('click', () => {
    window.datamapToken.set('');
    showPrompt('Token forgotten. Paste another to open the map.');
  });
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    clearPerson();
    loadGraph().catch(fail);
  });
  $('#filters').addEventListener('reset', () => setTimeout(() => loadGraph().catch(fail)));
  $('#person').addEventListener('submit', (event) => {
    event.preventDefault();
    showPerson().catch(fail);
  });
  $('#person-clear').addEventListener('click', clearPerson);

  renderLegend();
  if (window.datamapToken.get()) start();
  else showPrompt();
})();

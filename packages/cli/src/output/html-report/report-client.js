// The Assay HTML report's script: charts, the case table and the case view. Plain JavaScript,
// inlined into the report after Chart.js and the error-bar plug-in. It reads the JSON blocks the
// writer embedded and builds every element with createElement and textContent, never innerHTML:
// model output, variables and reasons are data and stay text.
(function () {
  'use strict';

  const data = JSON.parse(document.getElementById('assay-report-data').textContent);
  /** @type {any[]} */
  const cases = [];
  for (const block of document.querySelectorAll('script.assay-cases')) {
    for (const entry of JSON.parse(block.textContent)) cases.push(entry);
  }
  const cells = data.cells;
  const hasRepeats = cases.some((entry) => entry.repeat > 0);

  // -------------------------------------------------------------------------------------------
  // Helpers

  /** An element with properties, attributes (`data-*`, `aria-*`) and children (strings become text). */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'title') node.setAttribute(key, String(value));
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node[key] = value;
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue;
      if (Array.isArray(child)) append(node, child);
      else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);
  const number = (value) => (isNumber(value) ? value.toLocaleString('en-US') : '—');
  const percent = (rate) => (isNumber(rate) ? `${(rate * 100).toFixed(1)}%` : '—');

  function usd(value) {
    if (!isNumber(value)) return '—';
    if (value === 0) return '$0';
    const sign = value < 0 ? '-' : '';
    const amount = Math.abs(value);
    if (amount >= 1000) return `${sign}$${amount.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
    if (amount >= 1) return `${sign}$${amount.toFixed(2)}`;
    if (amount < 0.00001) return `${sign}<$0.00001`;
    return `${sign}$${amount.toPrecision(2)}`;
  }

  function milliseconds(value) {
    if (!isNumber(value)) return '—';
    return value >= 10000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value).toLocaleString('en-US')} ms`;
  }

  const score = (value) => (isNumber(value) ? String(Number(value.toFixed(3))) : '—');
  const interval = (ci) => (ci ? ` [${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)}]` : '');
  const shorten = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  const caseName = (entry) => (hasRepeats ? `${entry.caseId} #${entry.repeat}` : entry.caseId);
  const statusText = { pass: 'pass', fail: 'fail', error: 'error' };
  const flipText = { 'to-fail': 'passed in the baseline and fails now', 'to-pass': 'failed in the baseline and passes now' };

  // -------------------------------------------------------------------------------------------
  // Charts

  const colors = {
    text: '#1c2430',
    muted: '#667085',
    grid: '#eef0f3',
    accent: '#3b5bdb',
    accentFill: 'rgba(59, 91, 219, 0.22)',
    ok: '#1a7f37',
    okFill: 'rgba(26, 127, 55, 0.2)',
    bad: '#c0262d',
    badFill: 'rgba(192, 38, 45, 0.2)',
    neutral: '#98a2b3',
    neutralFill: 'rgba(152, 162, 179, 0.25)',
  };

  function setUpCharts() {
    const Chart = window.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.size = 12;
    Chart.defaults.color = colors.muted;
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.plugins.legend.display = false;
    return Chart;
  }

  /** Draws text labels and marks that Chart.js has no option for. */
  function drawPlugin(id, draw) {
    return { id, afterDatasetsDraw: (chart) => { const context = chart.ctx; context.save(); draw(chart, context); context.restore(); } };
  }

  function passRateChart(Chart) {
    const canvas = document.getElementById('pass-rate-chart');
    if (!canvas) return;
    const points = cells.map((cell) =>
      isNumber(cell.passRate)
        ? { x: cell.passRate * 100, xMin: (cell.ci95 ? cell.ci95[0] : cell.passRate) * 100, xMax: (cell.ci95 ? cell.ci95[1] : cell.passRate) * 100 }
        : { x: null, xMin: null, xMax: null },
    );
    const below = (cell) => cell.thresholdOk === false;
    new Chart(canvas, {
      type: 'barWithErrorBars',
      data: {
        labels: cells.map((cell) => (cell.n === 0 ? `${cell.label} (no cases)` : cell.label)),
        datasets: [
          {
            data: points,
            backgroundColor: cells.map((cell) => (below(cell) ? colors.badFill : colors.accentFill)),
            borderColor: cells.map((cell) => (below(cell) ? colors.bad : colors.accent)),
            borderWidth: 1,
            borderRadius: 3,
            barPercentage: 0.7,
            errorBarColor: colors.text,
            errorBarWhiskerColor: colors.text,
            errorBarLineWidth: 1.5,
            errorBarWhiskerLineWidth: 1.5,
            errorBarWhiskerRatio: 0.4,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        layout: { padding: { right: 112 } },
        scales: {
          x: { min: 0, max: 100, grid: { color: colors.grid }, ticks: { callback: (value) => `${value}%` }, title: { display: true, text: 'pass rate (95% interval)' } },
          y: { grid: { display: false }, ticks: { color: colors.text, callback(value) { return shorten(this.getLabelForValue(value), 44); } } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => {
                const cell = cells[item.dataIndex];
                return cell.n === 0 ? 'no cases' : `${percent(cell.passRate)}${interval(cell.ci95)} · n=${number(cell.n)}`;
              },
            },
          },
        },
      },
      plugins: [
        drawPlugin('assay-pass-rate-labels', (chart, context) => {
          const meta = chart.getDatasetMeta(0);
          const x = chart.scales.x;
          context.font = `12px ${Chart.defaults.font.family}`;
          context.textBaseline = 'middle';
          meta.data.forEach((bar, index) => {
            const cell = cells[index];
            const y = bar.y;
            if (isNumber(cell.threshold)) {
              const tx = x.getPixelForValue(cell.threshold * 100);
              const half = Math.max(bar.height || 0, 16) / 2 + 3;
              context.strokeStyle = colors.text;
              context.setLineDash([3, 3]);
              context.lineWidth = 1;
              context.beginPath();
              context.moveTo(tx, y - half);
              context.lineTo(tx, y + half);
              context.stroke();
              context.setLineDash([]);
            }
            const point = points[index];
            context.fillStyle = cell.n === 0 ? colors.muted : colors.text;
            const label = cell.n === 0 ? 'no cases' : `${percent(cell.passRate)}  n=${number(cell.n)}`;
            context.fillText(label, x.getPixelForValue(isNumber(point.xMax) ? point.xMax : 0) + 8, y);
          });
        }),
      ],
    });
  }

  function costChart(Chart) {
    const canvas = document.getElementById('cost-chart');
    if (!canvas) return;
    const plotted = cells.filter((cell) => cell.n > 0 && isNumber(cell.costPerCase) && isNumber(cell.passRate));
    const costs = plotted.map((cell) => cell.costPerCase);
    const positive = costs.every((cost) => cost > 0);
    const logarithmic = positive && Math.max(...costs) / Math.min(...costs) > 30;
    const lowest = Math.min(...plotted.map((cell) => (cell.ci95 ? cell.ci95[0] : cell.passRate)));
    const frontier = plotted.filter((cell) => cell.pareto).sort((a, b) => a.costPerCase - b.costPerCase || a.passRate - b.passRate);
    const maxCost = Math.max(...costs);
    const minCost = Math.min(...costs);

    new Chart(canvas, {
      type: 'scatterWithErrorBars',
      data: {
        datasets: [
          {
            label: 'cells',
            data: plotted.map((cell) => ({
              x: cell.costPerCase,
              y: cell.passRate * 100,
              yMin: (cell.ci95 ? cell.ci95[0] : cell.passRate) * 100,
              yMax: (cell.ci95 ? cell.ci95[1] : cell.passRate) * 100,
            })),
            pointRadius: plotted.map((cell) => (cell.pareto ? 7 : 5.5)),
            pointHoverRadius: 8,
            pointStyle: plotted.map((cell) => (cell.pareto ? 'rectRot' : 'circle')),
            backgroundColor: plotted.map((cell) => (cell.pareto ? colors.accent : '#fff')),
            borderColor: plotted.map((cell) => (cell.pareto ? colors.accent : colors.muted)),
            borderWidth: 1.5,
            errorBarColor: colors.neutral,
            errorBarWhiskerColor: colors.neutral,
            errorBarLineWidth: 1.2,
            errorBarWhiskerSize: 10,
          },
          {
            label: 'Pareto frontier',
            type: 'scatter',
            data: frontier.map((cell) => ({ x: cell.costPerCase, y: cell.passRate * 100 })),
            showLine: true,
            borderColor: colors.accent,
            borderDash: [5, 4],
            borderWidth: 1.5,
            pointRadius: 0,
            pointHitRadius: 0,
            fill: false,
          },
        ],
      },
      options: {
        layout: { padding: { right: 24, top: 8 } },
        scales: {
          x: logarithmic
            ? { type: 'logarithmic', min: minCost / 1.6, max: maxCost * 1.6, grid: { color: colors.grid }, ticks: { callback: (value) => usd(value), maxTicksLimit: 8 }, title: { display: true, text: 'cost per case (USD, log scale)' } }
            : { type: 'linear', min: 0, suggestedMax: maxCost * 1.15 || 0.001, grid: { color: colors.grid }, ticks: { callback: (value) => usd(value), maxTicksLimit: 8 }, title: { display: true, text: 'cost per case (USD)' } },
          y: {
            min: Math.max(0, Math.floor((lowest * 100 - 5) / 10) * 10),
            max: 100,
            grid: { color: colors.grid },
            ticks: { callback: (value) => `${value}%` },
            title: { display: true, text: 'pass rate (95% interval)' },
          },
        },
        plugins: {
          legend: { display: frontier.length > 0, position: 'top', align: 'end', labels: { boxWidth: 24, boxHeight: 2, filter: (item) => item.datasetIndex === 1 } },
          tooltip: {
            filter: (item) => item.datasetIndex === 0,
            callbacks: {
              label: (item) => {
                const cell = plotted[item.dataIndex];
                return [
                  cell.label + (cell.pareto ? ' (Pareto)' : ''),
                  `pass rate ${percent(cell.passRate)}${interval(cell.ci95)} · n=${number(cell.n)}`,
                  `${usd(cell.costPerCase)} per case · ${isNumber(cell.costPerPass) ? usd(cell.costPerPass) : 'no passes'} per pass`,
                ];
              },
            },
          },
        },
      },
      plugins: [
        drawPlugin('assay-cost-labels', (chart, context) => {
          const meta = chart.getDatasetMeta(0);
          const area = chart.chartArea;
          context.font = `12px ${Chart.defaults.font.family}`;
          context.textBaseline = 'bottom';
          meta.data.forEach((point, index) => {
            const cell = plotted[index];
            const text = shorten(cell.label, 40);
            const width = context.measureText(text).width;
            const right = point.x + 10 + width < area.right;
            context.textAlign = right ? 'left' : 'right';
            context.fillStyle = cell.pareto ? colors.accent : colors.text;
            context.fillText(text, right ? point.x + 10 : point.x - 10, point.y - 4);
          });
        }),
      ],
    });
  }

  function differenceCharts(Chart) {
    differenceChart(Chart, document.getElementById('comparison-chart'), data.comparison);
    differenceChart(Chart, document.getElementById('prompt-comparison-chart'), data.promptComparison);
  }

  function differenceChart(Chart, canvas, rows) {
    if (!canvas || !rows) return;
    const hasScores = rows.some((row) => row.kind === 'score');
    const extent = Math.max(
      1,
      ...rows.flatMap((row) => [row.difference, ...(row.ci95 || [])].filter(isNumber).map((value) => Math.abs(value * 100))),
    );
    const limit = Math.ceil((extent * 1.15) / 5) * 5;
    const tone = (row) => (row.verdict === 'better' ? colors.ok : row.verdict === 'worse' ? colors.bad : colors.muted);
    new Chart(canvas, {
      type: 'barWithErrorBars',
      data: {
        labels: rows.map((row) => `${row.cell} · ${row.metric}`),
        datasets: [
          {
            data: rows.map((row) =>
              isNumber(row.difference)
                ? {
                    x: row.difference * 100,
                    xMin: (row.ci95 ? row.ci95[0] : row.difference) * 100,
                    xMax: (row.ci95 ? row.ci95[1] : row.difference) * 100,
                  }
                : { x: null, xMin: null, xMax: null },
            ),
            backgroundColor: rows.map((row) => (row.verdict === 'better' ? colors.okFill : row.verdict === 'worse' ? colors.badFill : colors.neutralFill)),
            borderColor: rows.map(tone),
            borderWidth: 1,
            barPercentage: 0.6,
            errorBarColor: rows.map(tone),
            errorBarWhiskerColor: rows.map(tone),
            errorBarLineWidth: 1.5,
            errorBarWhiskerLineWidth: 1.5,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: {
            min: -limit,
            max: limit,
            grid: { color: (context) => (context.tick && context.tick.value === 0 ? colors.muted : colors.grid) },
            ticks: { callback: (value) => (value > 0 ? `+${value}` : value < 0 ? `−${-value}` : '0') },
            title: { display: true, text: hasScores ? 'candidate − baseline (percentage points; scores × 100)' : 'candidate − baseline (percentage points)' },
          },
          y: { grid: { display: false }, ticks: { color: colors.text, callback(value) { return shorten(this.getLabelForValue(value), 48); } } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => {
                const row = rows[item.dataIndex];
                if (!isNumber(row.difference)) return 'no difference to show';
                const format = (value) => (row.kind === 'rate' ? `${(value * 100).toFixed(1)} pts` : value.toFixed(3));
                return `${row.difference > 0 ? '+' : ''}${format(row.difference)}${row.ci95 ? ` [${format(row.ci95[0])}, ${format(row.ci95[1])}]` : ''} · ${row.verdict}`;
              },
            },
          },
        },
      },
      plugins: [
        // A diamond at each estimate, so a difference of zero is still visible.
        drawPlugin('assay-difference-markers', (chart, context) => {
          const x = chart.scales.x;
          chart.getDatasetMeta(0).data.forEach((bar, index) => {
            const row = rows[index];
            if (!isNumber(row.difference)) return;
            const cx = x.getPixelForValue(row.difference * 100);
            const size = 5;
            context.fillStyle = tone(row);
            context.beginPath();
            context.moveTo(cx, bar.y - size);
            context.lineTo(cx + size, bar.y);
            context.lineTo(cx, bar.y + size);
            context.lineTo(cx - size, bar.y);
            context.closePath();
            context.fill();
          });
        }),
      ],
    });
  }

  function drawCharts() {
    if (!window.Chart) return;
    const Chart = setUpCharts();
    for (const draw of [passRateChart, costChart, differenceCharts]) {
      try {
        draw(Chart);
      } catch (error) {
        console.error('Assay report: a chart could not be drawn', error);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // The case table

  const form = document.getElementById('case-filters');
  const searchInput = document.getElementById('filter-search');
  const cellSelect = document.getElementById('filter-cell');
  const statusSelect = document.getElementById('filter-status');
  const flipSelect = document.getElementById('filter-flip');
  const sortSelect = document.getElementById('filter-sort');
  const tableBody = document.querySelector('#case-table tbody');
  const countLine = document.getElementById('case-count');
  const pager = document.getElementById('case-pager');

  const state = { page: 0, pageSize: 50, visible: /** @type {number[]} */ ([]) };
  /** Lower-cased searchable text per case, built on the first search. */
  let haystacks = null;

  function haystack(entry) {
    const parts = [entry.caseId, cells[entry.cell] ? cells[entry.cell].label : '', entry.output.text, entry.error ? entry.error.text : ''];
    for (const variable of entry.vars) parts.push(variable.name, variable.value.text);
    for (const assertion of entry.assertions) {
      parts.push(assertion.type, assertion.reason.text, assertion.metric || '');
      if (assertion.judge) parts.push(assertion.judge.reasoning ? assertion.judge.reasoning.text : '', assertion.judge.verdict ? assertion.judge.verdict.text : '');
    }
    return parts.join('\n').toLowerCase();
  }

  function failedReasons(entry) {
    return entry.assertions.filter((assertion) => !assertion.pass).map((assertion) => assertion.reason.text || assertion.type);
  }

  const sorters = {
    score: (a, b) => (isNumber(a.score) ? a.score : 2) - (isNumber(b.score) ? b.score : 2),
    latency: (a, b) => b.latencyMs - a.latencyMs,
    cost: (a, b) => (isNumber(b.cost) ? b.cost : -1) - (isNumber(a.cost) ? a.cost : -1),
    case: (a, b) => a.caseId.localeCompare(b.caseId, 'en', { numeric: true }) || a.repeat - b.repeat || a.cell - b.cell,
  };

  function applyFilters(keepPage) {
    const query = searchInput.value.trim().toLowerCase();
    const cell = cellSelect.value === '' ? null : Number(cellSelect.value);
    const status = statusSelect.value;
    const flip = flipSelect ? flipSelect.value : '';
    if (query && !haystacks) haystacks = cases.map(haystack);
    const visible = [];
    for (let index = 0; index < cases.length; index += 1) {
      const entry = cases[index];
      if (cell !== null && entry.cell !== cell) continue;
      if (status === 'not-pass' ? entry.status === 'pass' : status && entry.status !== status) continue;
      if (flip === 'any' ? !entry.flip : flip && entry.flip !== flip) continue;
      if (query && !haystacks[index].includes(query)) continue;
      visible.push(index);
    }
    const sorter = sorters[sortSelect.value];
    if (sorter) visible.sort((a, b) => sorter(cases[a], cases[b]) || a - b);
    state.visible = visible;
    if (!keepPage) state.page = 0;
    state.page = Math.min(state.page, Math.max(0, Math.ceil(visible.length / state.pageSize) - 1));
    renderTable();
  }

  function statusBadge(entry) {
    return el('span', { class: `status ${entry.status}` }, statusText[entry.status]);
  }

  function flipBadge(entry) {
    if (!entry.flip) return null;
    // With repeats the comparison lists case ids (majority outcome), so every repeat is marked.
    const title = hasRepeats ? `Over its repeats, this case ${flipText[entry.flip]}` : `This case ${flipText[entry.flip]}`;
    return el('span', { class: `flag ${entry.flip === 'to-fail' ? 'bad' : 'ok'}`, title }, entry.flip === 'to-fail' ? 'flipped → fail' : 'flipped → pass');
  }

  function snippet(entry) {
    if (entry.error) return el('span', { class: 'reason' }, shorten(entry.error.text, 200));
    const reasons = failedReasons(entry);
    if (reasons.length > 0) return el('span', { class: 'reason' }, shorten(reasons.join(' | '), 200));
    return shorten(entry.output.text.replace(/\s+/g, ' '), 200) || '(empty output)';
  }

  function renderTable() {
    const { visible, page, pageSize } = state;
    const start = page * pageSize;
    const rows = visible.slice(start, start + pageSize).map((index) => {
      const entry = cases[index];
      const cell = cells[entry.cell];
      return el(
        'tr',
        {
          class: entry.flip ? `flip-${entry.flip}` : '',
          tabIndex: 0,
          'data-case': index,
          onclick: () => openCase(index),
          onkeydown: (event) => {
            if (event.key === 'Enter') openCase(index);
          },
        },
        el('td', { class: 'result' }, statusBadge(entry), entry.flip ? ' ' : null, flipBadge(entry)),
        el('td', { class: 'cell-name', title: cell ? cell.label : '' }, cell ? cell.label : ''),
        el('td', { class: 'case-id' }, caseName(entry)),
        el('td', { class: 'num' }, score(entry.score)),
        el('td', { class: 'num' }, milliseconds(entry.latencyMs)),
        el('td', { class: 'num' }, isNumber(entry.cost) ? usd(entry.cost) : '—'),
        el('td', { class: 'num' }, number(entry.tokens.total)),
        el('td', { class: 'snippet' }, snippet(entry)),
      );
    });
    tableBody.replaceChildren(...rows);
    if (visible.length === 0) {
      tableBody.replaceChildren(el('tr', {}, el('td', { colSpan: 8, class: 'muted' }, cases.length === 0 ? 'The run has no cases.' : 'No case matches these filters.')));
    }
    const end = Math.min(start + pageSize, visible.length);
    countLine.textContent =
      visible.length === cases.length
        ? `${number(cases.length)} case(s)${visible.length > 0 ? `; showing ${number(start + 1)}–${number(end)}` : ''}`
        : `${number(visible.length)} of ${number(cases.length)} case(s) match${visible.length > 0 ? `; showing ${number(start + 1)}–${number(end)}` : ''}`;
    renderPager();
  }

  function renderPager() {
    const pages = Math.max(1, Math.ceil(state.visible.length / state.pageSize));
    const go = (page) => () => {
      state.page = page;
      renderTable();
    };
    const size = el(
      'select',
      {
        'aria-label': 'Cases per page',
        onchange: (event) => {
          state.pageSize = Number(event.target.value);
          state.page = 0;
          renderTable();
        },
      },
      [25, 50, 100, 250].map((value) => el('option', { value: String(value), selected: value === state.pageSize }, `${value} per page`)),
    );
    pager.replaceChildren(
      size,
      el('button', { type: 'button', disabled: state.page === 0, onclick: go(0), 'aria-label': 'First page' }, '«'),
      el('button', { type: 'button', disabled: state.page === 0, onclick: go(state.page - 1), 'data-page': 'previous' }, '‹ Previous'),
      el('span', { class: 'page-number' }, `Page ${number(state.page + 1)} of ${number(pages)}`),
      el('button', { type: 'button', disabled: state.page >= pages - 1, onclick: go(state.page + 1), 'data-page': 'next' }, 'Next ›'),
      el('button', { type: 'button', disabled: state.page >= pages - 1, onclick: go(pages - 1), 'aria-label': 'Last page' }, '»'),
    );
  }

  function populateCellFilter() {
    const counts = new Array(cells.length).fill(0);
    for (const entry of cases) counts[entry.cell] += 1;
    cells.forEach((cell, index) => cellSelect.append(el('option', { value: String(index) }, `${cell.label} (${number(counts[index])})`)));
  }

  /** The chips in the static sections (flaky cases, flipped counts) set the filters. */
  function wireFilterButtons() {
    document.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('[data-filter-cell], [data-filter-flip], [data-filter-search]') : null;
      if (!button) return;
      form.reset();
      const label = button.getAttribute('data-filter-cell');
      const cell = label === null ? -1 : cells.findIndex((candidate) => candidate.label === label);
      cellSelect.value = cell >= 0 ? String(cell) : '';
      if (flipSelect) flipSelect.value = button.getAttribute('data-filter-flip') || '';
      searchInput.value = button.getAttribute('data-filter-search') || '';
      applyFilters(false);
      document.getElementById('cases').scrollIntoView();
    });
  }

  // -------------------------------------------------------------------------------------------
  // The case view

  const backdrop = document.getElementById('case-view');
  const dialog = backdrop.querySelector('.case-view');
  let openIndex = null;
  let returnFocus = null;

  function textBlock(clipped, className, what) {
    const nodes = [el('pre', { class: `text-block${className ? ` ${className}` : ''}` }, clipped.text === '' ? '' : clipped.text)];
    if (isNumber(clipped.length)) {
      nodes.push(el('p', { class: 'cut-note' }, `${what} cut to ${number(clipped.text.length - 1)} of ${number(clipped.length)} characters in this report; -o results.json keeps the full text.`));
    }
    return nodes;
  }

  function fact(label, value) {
    return el('div', { class: 'fact' }, el('div', { class: 'fact-label' }, label), el('div', { class: 'fact-value' }, value));
  }

  function assertionView(assertion) {
    const flags = [];
    if (assertion.metric) flags.push(el('span', { class: 'flag neutral', title: 'metric' }, assertion.metric));
    if (assertion.required) flags.push(el('span', { class: 'flag neutral' }, 'required'));
    if (assertion.weight !== 1) flags.push(el('span', { class: 'flag neutral' }, `weight ${assertion.weight}`));
    const judge = assertion.judge
      ? el(
          'div',
          { class: 'judge' },
          el('div', { class: 'judge-label' }, `Judge · ${assertion.judge.provider}`),
          assertion.judge.reasoning ? el('p', { class: 'assertion-reason' }, assertion.judge.reasoning.text) : null,
          assertion.judge.verdict ? el('p', { class: 'assertion-reason' }, assertion.judge.verdict.text) : null,
        )
      : null;
    return el(
      'div',
      { class: `assertion${assertion.pass ? '' : ' failed'}` },
      el(
        'div',
        { class: 'assertion-head' },
        el('span', { class: `mark ${assertion.pass ? 'ok' : 'bad'}` }, assertion.pass ? '✓' : '✗'),
        el('span', { class: 'assertion-type' }, assertion.type),
        flags,
        el('span', { class: 'muted small' }, `score ${score(assertion.score)}`),
      ),
      assertion.reason.text ? el('p', { class: 'assertion-reason' }, assertion.reason.text) : null,
      judge,
    );
  }

  function caseView(index) {
    const entry = cases[index];
    const cell = cells[entry.cell];
    const position = state.visible.indexOf(index);
    const previous = position > 0 ? state.visible[position - 1] : null;
    const next = position >= 0 && position < state.visible.length - 1 ? state.visible[position + 1] : null;
    const tokens = entry.tokens;

    const head = el(
      'div',
      { class: 'case-view-head' },
      el(
        'div',
        { class: 'case-view-nav' },
        el('span', { class: 'muted small' }, position >= 0 ? `${number(position + 1)} of ${number(state.visible.length)}` : ''),
        el('button', { type: 'button', disabled: previous === null, onclick: () => openCase(previous), title: 'Previous case (←)' }, '‹'),
        el('button', { type: 'button', disabled: next === null, onclick: () => openCase(next), title: 'Next case (→)' }, '›'),
        el('button', { type: 'button', class: 'close', onclick: closeCase, title: 'Close (Esc)', 'aria-label': 'Close' }, '✕'),
      ),
      el('h2', { id: 'case-view-title' }, statusBadge(entry), el('code', {}, caseName(entry)), flipBadge(entry)),
      el('div', { class: 'muted' }, cell ? cell.label : ''),
    );

    const facts = el(
      'div',
      { class: 'facts' },
      fact('Score', score(entry.score)),
      fact('Latency', milliseconds(entry.latencyMs)),
      fact('Cost', isNumber(entry.cost) ? usd(entry.cost) : 'unknown price'),
      fact('Tokens in / out', `${number(tokens.input)} / ${number(tokens.output)}`),
      tokens.cached > 0 ? fact('Cached input', number(tokens.cached)) : null,
      tokens.reasoning > 0 ? fact('Reasoning', number(tokens.reasoning)) : null,
      fact('Response', entry.cached ? 'from cache' : 'live call'),
      fact('Finished', entry.finishedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')),
    );

    const sections = [head, facts];
    if (entry.flip) {
      sections.push(el('p', { class: entry.flip === 'to-fail' ? 'bad-text' : 'ok-text' }, `${hasRepeats ? 'Over its repeats, this case' : 'This case'} ${flipText[entry.flip]}.`));
    }
    if (entry.error) sections.push(el('h3', {}, 'Error'), textBlock(entry.error, 'error', 'Error'));
    sections.push(el('h3', {}, `Assertions (${entry.assertions.filter((assertion) => assertion.pass).length} of ${entry.assertions.length} passed)`));
    sections.push(entry.assertions.length > 0 ? entry.assertions.map(assertionView) : el('p', { class: 'muted' }, entry.error ? 'Not graded: the call failed.' : 'No assertions.'));
    sections.push(el('h3', {}, 'Output'));
    sections.push(entry.output.text === '' ? el('p', { class: 'muted' }, '(empty output)') : textBlock(entry.output, '', 'Output'));
    if (entry.toolCalls.length > 0) {
      sections.push(el('h3', {}, 'Tool calls'));
      for (const call of entry.toolCalls) sections.push(el('div', { class: 'message' }, el('div', { class: 'message-role' }, call.name), textBlock(call.input, '', 'Input')));
    }
    sections.push(el('h3', {}, 'Prompt'));
    sections.push(
      entry.messages.length > 0
        ? entry.messages.map((message) => el('div', { class: 'message' }, el('div', { class: 'message-role' }, message.role), textBlock(message.content, '', 'Message')))
        : el('p', { class: 'muted' }, 'No messages recorded.'),
    );
    sections.push(el('h3', {}, 'Variables'));
    sections.push(
      entry.vars.length > 0
        ? el('div', { class: 'table-wrap' }, el('table', { class: 'vars' }, el('tbody', {}, entry.vars.map((variable) => el('tr', {}, el('td', {}, variable.name), el('td', {}, textBlock(variable.value, '', 'Value')))))))
        : el('p', { class: 'muted' }, 'No variables.'),
    );
    return sections;
  }

  function openCase(index) {
    if (index === null || index === undefined || !cases[index]) return;
    if (openIndex === null) returnFocus = document.activeElement;
    openIndex = index;
    dialog.replaceChildren(...caseView(index).flat(2).filter(Boolean));
    backdrop.hidden = false;
    dialog.scrollTop = 0;
    dialog.focus();
    try {
      history.replaceState(null, '', `#case-${index}`);
    } catch {
      // Some browsers refuse history changes on file:// pages; the view works without it.
    }
  }

  function closeCase() {
    if (openIndex === null) return;
    backdrop.hidden = true;
    openIndex = null;
    try {
      history.replaceState(null, '', '#cases');
    } catch {
      // See openCase.
    }
    if (returnFocus && returnFocus.focus) returnFocus.focus();
  }

  function wireCaseView() {
    backdrop.addEventListener('click', (event) => {
      if (event.target === backdrop) closeCase();
    });
    document.addEventListener('keydown', (event) => {
      if (openIndex === null) return;
      const position = state.visible.indexOf(openIndex);
      if (event.key === 'Escape') closeCase();
      else if ((event.key === 'ArrowRight' || event.key === 'j') && position >= 0 && position < state.visible.length - 1) openCase(state.visible[position + 1]);
      else if ((event.key === 'ArrowLeft' || event.key === 'k') && position > 0) openCase(state.visible[position - 1]);
    });
  }

  // -------------------------------------------------------------------------------------------

  function start() {
    populateCellFilter();
    let timer = 0;
    searchInput.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => applyFilters(false), 150);
    });
    for (const select of [cellSelect, statusSelect, flipSelect, sortSelect]) if (select) select.addEventListener('change', () => applyFilters(false));
    form.addEventListener('submit', (event) => event.preventDefault());
    form.addEventListener('reset', () => setTimeout(() => applyFilters(false), 0));
    wireFilterButtons();
    wireCaseView();
    applyFilters(false);
    drawCharts();
    const linked = /^#case-(\d+)$/.exec(location.hash);
    if (linked) openCase(Number(linked[1]));
    document.documentElement.setAttribute('data-report-ready', 'true');
  }

  start();
})();

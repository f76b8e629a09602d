// The overview, shown while no lead is open: leads per status, how many wait for an answer and how many of
// them past the target, today's new leads, and the time to a first response per day over the last 14 days
// (GET /api/overview) as a chart drawn here in SVG, with its figures as a table for whoever cannot see it.

import { api } from './api.js';
import { $, el, clear, say } from './dom.js';
import { formatDay, formatSpan } from './time.js';
import { allStatuses } from './workflow.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 560;
const H = 220;
const PAD = { left: 56, right: 12, top: 28, bottom: 30 };
let counts = null;

/** GET /api/overview, or null when the service has none yet (404) or it failed. */
export async function readOverview() {
  try {
    return (await api('/api/overview')).data;
  } catch (e) {
    return null;
  }
}

export async function showOverview() {
  const state = $('overview-state');
  say(state, 'Loading the overview…');
  const data = await readOverview();
  if (!data) {
    say(state, 'No overview from this service yet: pick a lead on the left.');
    $('overview-body').hidden = true;
    return;
  }
  say(state, '');
  figures(data);
  counts = data.statusCounts || {};
  statuses(counts);
  chart(data.responseTimes || []);
  table(data.responseTimes || []);
  $('overview-body').hidden = false;
}

function figure(label, value, testid, warn = false) {
  return el('li', { class: `figure${warn ? ' warn' : ''}`, testid },
    el('span', { class: 'value' }, String(value ?? 0)), el('span', { class: 'label muted' }, label));
}

function figures(data) {
  clear($('overview-figures')).append(
    figure('waiting for an answer', data.waiting, 'overview-waiting'),
    figure('waiting past the target', data.overdue, 'overview-overdue', data.overdue > 0),
    figure('new today', data.newToday, 'overview-new-today'));
}

/** The contract's statuses are known (they may come after the overview): a figure for each, in its order. */
export function showStatuses() {
  if (counts) statuses(counts);
}

function statuses(counts) {
  const order = allStatuses().length ? allStatuses() : Object.keys(counts);
  clear($('overview-statuses')).append(...order.map((s) =>
    el('li', { class: 'figure', testid: 'overview-status', data: { status: s } },
      el('span', { class: 'value' }, String(counts[s] ?? 0)), el('span', { class: `badge status-${s}` }, s))));
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** Two lines over the days, median and 90th percentile; a day without answers breaks them. */
function chart(days) {
  const holder = clear($('response-chart-svg'));
  const max = Math.max(60, ...days.flatMap((d) => [d.medianSeconds, d.p90Seconds]).filter((v) => typeof v === 'number'));
  const x = (i) => PAD.left + (days.length > 1 ? i * (W - PAD.left - PAD.right) / (days.length - 1) : 0);
  const y = (v) => H - PAD.bottom - v / max * (H - PAD.top - PAD.bottom);
  const answered = days.filter((d) => d.answered > 0);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'response-chart-title response-chart-desc', class: 'chart-svg', 'data-testid': 'response-chart' },
    svg('title', { id: 'response-chart-title' }, 'Time to first response, last 14 days'),
    svg('desc', { id: 'response-chart-desc' }, answered.length
      ? `Median and 90th percentile per day; ${answered.length} of ${days.length} days had answers. The table below has every figure.`
      : 'No conversation was answered in the last 14 days.'));
  for (const v of [0, max / 2, max]) {
    root.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }),
      svg('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, formatSpan(v * 1000)));
  }
  days.forEach((d, i) => {
    if (i % 2 === 0 || i === days.length - 1) {
      root.append(svg('text', { x: x(i), y: H - 10, 'text-anchor': 'middle' }, String(Number(d.day.slice(8)))));
    }
  });
  // p90 first, so that the median's dot is drawn over its square on a day of one answer (the two are equal)
  for (const [key, cls, label] of [['p90Seconds', 'p90', '90th percentile'], ['medianSeconds', 'median', 'median']]) {
    let run = [];
    const flush = () => {
      if (run.length > 1) root.append(svg('polyline', { points: run.join(' '), class: `series ${cls}` }));
      run = [];
    };
    days.forEach((d, i) => {
      const v = d[key];
      if (typeof v !== 'number') { flush(); return; }
      run.push(`${x(i)},${y(v)}`);
      // a shape of its own for each line (a dot, a square), so that neither is told by its colour alone
      const tip = svg('title', {}, `${d.day}: ${label} ${formatSpan(v * 1000)}`);
      root.append(cls === 'median'
        ? svg('circle', { cx: x(i), cy: y(v), r: 3.5, class: `series ${cls}`, 'data-day': d.day }, tip)
        : svg('rect', { x: x(i) - 4, y: y(v) - 4, width: 8, height: 8, class: `series ${cls}`, 'data-day': d.day }, tip));
    });
    flush();
  }
  root.append(
    svg('line', { x1: PAD.left, x2: PAD.left + 18, y1: 12, y2: 12, class: 'series median' }),
    svg('text', { x: PAD.left + 24, y: 16 }, 'median'),
    svg('line', { x1: PAD.left + 100, x2: PAD.left + 118, y1: 12, y2: 12, class: 'series p90' }),
    svg('text', { x: PAD.left + 124, y: 16 }, '90th percentile'));
  holder.append(root);
}

function table(days) {
  const body = clear($('response-table').tBodies[0]);
  for (const d of days) {
    const time = (s) => (typeof s === 'number' ? formatSpan(s * 1000) : '—');
    body.append(el('tr', { testid: 'response-row' },
      el('th', { scope: 'row' }, formatDay(d.day)), el('td', {}, String(d.answered ?? 0)),
      el('td', {}, time(d.medianSeconds)), el('td', {}, time(d.p90Seconds))));
  }
}

// The activity view: follows GET /admin/activity/events (a snapshot a second). Rates are the
// difference between two snapshots a few seconds apart; the charts keep what this page has seen.

import { follow } from './api.js';
import { LineChart } from './chart.js';
import { cell, el } from './format.js';

const WINDOW_MS = 5 * 60 * 1000;
const RATE_MS = 5000; // rates are averaged over this long
const RECENT_ROWS = 20;
const COLORS = ['#2f6fde', '#d9480f', '#2b8a3e', '#ae3ec9', '#e8a400', '#0c8599', '#c2255c', '#5c677d'];

const ms = (v) => (v === undefined || v === null ? '—' : `${Math.round(v)} ms`);
const perSecond = (v) => (v === undefined || v === null ? '—' : v.toFixed(1));

export class ActivityView {
  /** @param hooks {models(rows)}: called with each snapshot's models (the memory view shows why requests wait) */
  constructor(api, hooks) {
    this.api = api;
    this.hooks = hooks;
    this.snapshots = [];
    this.series = new Map(); // ref -> {id, color, rps: [[t, v]], ttfb: [...], tps: [...]}
    this.charts = Object.fromEntries(['rps', 'ttfb', 'tps'].map((key) => [key,
      new LineChart(document.querySelector(`.chart[data-chart='${key}'] svg`), WINDOW_MS)]));
    this.now = document.querySelector('#activity-now tbody');
    this.recent = document.querySelector('#activity-recent tbody');
    this.status = document.getElementById('activity-status');
    this.lastRecent = '';
  }

  start() {
    if (this.feed) this.feed.close();
    this.feed = follow(this.api, '/admin/activity/events', {
      activity: (snapshot) => this.update(snapshot),
      onOpen: () => { this.status.textContent = 'Requests to the model endpoints, live (every second).'; },
      onDown: () => { this.status.textContent = 'The activity stream is interrupted; reconnecting…'; },
    });
  }

  update(snapshot) {
    const t = snapshot.time_ms;
    this.snapshots.push(snapshot);
    while (this.snapshots.length > 2 && this.snapshots[1].time_ms < t - RATE_MS) this.snapshots.shift();
    const before = this.snapshots[0] === snapshot ? null : this.snapshots[0];
    const earlier = new Map(before ? before.models.map((m) => [m.ref, m]) : []);
    const rates = new Map();
    snapshot.models.forEach((m) => {
      const p = earlier.get(m.ref);
      if (!p) return;
      const seconds = (t - before.time_ms) / 1000;
      const ttfbCount = m.ttfb_count - p.ttfb_count;
      const decodeMs = m.decode_ms_sum - p.decode_ms_sum;
      rates.set(m.ref, {
        rps: (m.requests - p.requests) / seconds,
        ttfb: ttfbCount > 0 ? (m.ttfb_ms_sum - p.ttfb_ms_sum) / ttfbCount : null,
        tps: decodeMs > 0 ? ((m.decode_tokens - p.decode_tokens) * 1000) / decodeMs : null,
      });
    });
    const active = snapshot.models.filter((m) => m.requests > 0 || m.in_flight > 0 || m.queued > 0
      || this.series.has(m.ref));
    active.forEach((m) => {
      if (!this.series.has(m.ref)) {
        this.series.set(m.ref, { id: m.id, color: COLORS[this.series.size % COLORS.length], rps: [], ttfb: [], tps: [] });
      }
      const s = this.series.get(m.ref);
      const r = rates.get(m.ref);
      if (!r) return;
      ['rps', 'ttfb', 'tps'].forEach((key) => {
        s[key].push([t, r[key]]);
        while (s[key].length && s[key][0][0] < t - WINDOW_MS) s[key].shift();
      });
    });
    Object.entries(this.charts).forEach(([key, chart]) => chart.draw(
      [...this.series.entries()].map(([ref, s]) => ({ key: s.id, color: s.color, points: s[key] })), t));
    this.legend();
    this.renderNow(active, rates);
    this.renderRecent(snapshot.recent);
    this.hooks.models(snapshot.models);
  }

  legend() {
    document.getElementById('activity-legend').replaceChildren(...[...this.series.values()].map((s) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = s.color; // through CSSOM: the page's CSP allows no inline style attribute
      return el('li', { 'data-model': s.id }, swatch, s.id);
    }));
  }

  renderNow(models, rates) {
    document.getElementById('activity-now').hidden = models.length === 0;
    this.now.replaceChildren(...models.map((m) => {
      const r = rates.get(m.ref) || {};
      return el('tr', { 'data-model': m.id, class: m.queued > 0 ? 'waiting' : '' },
        cell('Model', {}, el('strong', { text: m.id })),
        cell('In flight', { class: 'num in-flight' }, String(m.in_flight)),
        cell('Queued', { class: 'num queued' }, String(m.queued)),
        cell('Requests', { class: 'num requests' }, String(m.requests)),
        cell('Errors', { class: `num errors${m.errors ? ' bad' : ''}` }, String(m.errors)),
        cell('TTFB', { class: 'num' }, ms(r.ttfb)),
        cell('Tokens/s', { class: 'num' }, perSecond(r.tps)));
    }));
  }

  renderRecent(recent) {
    const key = recent.slice(0, RECENT_ROWS).map((r) => r.id + r.end_ms).join();
    document.getElementById('activity-empty').hidden = recent.length > 0;
    document.getElementById('activity-recent').hidden = recent.length === 0;
    if (key === this.lastRecent) return;
    this.lastRecent = key;
    this.recent.replaceChildren(...recent.slice(0, RECENT_ROWS).map((r) => this.row(r)));
  }

  row(r) {
    const failed = r.status >= 400 || r.error;
    const status = [el('span', { class: `code${failed ? ' bad' : ''}`, text: String(r.status) })];
    if (r.client_left) status.push(el('span', { class: 'muted block', text: 'stopped by the client' }));
    if (r.error) status.push(el('span', { class: 'block message bad-text', text: r.error }));
    const tokens = r.completion_tokens !== undefined ? `${r.prompt_tokens} → ${r.completion_tokens}` : '—';
    const route = [r.route, r.stream ? 'stream' : null, r.fallback_from ? `fallback from ${r.fallback_from}` : null]
      .filter(Boolean).join(' · ');
    return el('tr', {
      'data-id': r.id, 'data-status': String(r.status),
      class: [failed ? 'failed' : '', r.client_left ? 'left' : ''].join(' ').trim(),
    },
    cell('Time', { title: new Date(r.end_ms).toISOString() }, new Date(r.end_ms).toLocaleTimeString()),
    cell('Status', {}, status),
    cell('Model', {}, el('strong', { text: r.model || r.requested || '—' }),
      r.requested && r.requested !== r.model ? el('span', { class: 'muted block', text: `asked for ${r.requested}` }) : null,
      el('span', { class: 'muted block', text: r.path })),
    cell('Route', {}, route || '—'),
    cell('Duration', { class: 'num' }, ms(r.duration_ms)),
    cell('TTFB', { class: 'num' }, ms(r.ttfb_ms)),
    cell('Tokens', { class: 'num tokens' }, tokens),
    cell('Tokens/s', { class: 'num' }, perSecond(r.tokens_per_s)));
  }
}

// The memory view: a bar per device (its budget, what each loaded model takes), Load and Unload per
// model, and why requests wait. It follows GET /admin/memory; a gateway without memory-aware
// scheduling answers 404 there, and the section stays hidden.

import { ago, bytes, cell, el } from './format.js';

const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);

export class MemoryView {
  constructor(api) {
    this.api = api;
    this.timer = null;
    this.waiting = new Map(); // model id -> requests queued (from the activity view)
    this.last = null;
  }

  async start() {
    clearInterval(this.timer);
    if (await this.refresh()) this.timer = setInterval(() => this.refresh(), POLL_MS);
  }

  /** Whether the gateway has a memory view (false: the section is hidden). */
  async refresh() {
    let data;
    try {
      data = await this.api.get('/admin/memory');
    } catch (e) {
      if (e.status === 404) {
        this.show(false);
        clearInterval(this.timer);
        return false;
      }
      return true; // gone for a moment, or the token: the page says so
    }
    this.show(true);
    this.last = data;
    this.render(data);
    return true;
  }

  show(on) {
    $('memory').hidden = !on;
    $('memory-link').hidden = !on;
  }

  /** Requests queued per model, so a model can say why they wait. */
  setWaiting(models) {
    const next = new Map(models.filter((m) => m.queued > 0).map((m) => [m.id, m.queued]));
    const changed = [...next].join() !== [...this.waiting].join();
    this.waiting = next;
    if (changed && this.last) this.render(this.last);
  }

  render(data) {
    $('memory-devices').replaceChildren(...(data.devices || []).map((d) => this.device(d)));
  }

  device(d) {
    const budget = d.budget_bytes || 0;
    const segments = (d.models || []).filter((m) => m.state === 'loaded' || m.state === 'loading').map((m) => {
      const seg = el('span', {
        class: `mem-seg mem-${m.state}`, 'data-model': m.id, title: `${m.id} · ${bytes(m.bytes)} · ${m.state}`,
      }, el('span', { class: 'mem-seg-label', text: m.id }));
      seg.style.width = `${budget ? Math.min(100, (m.bytes / budget) * 100) : 0}%`; // CSSOM: no inline style under the CSP
      return seg;
    });
    const free = Math.max(0, budget - (d.used_bytes || 0));
    return el('div', { class: 'device', 'data-device': d.name },
      el('div', { class: 'device-head' },
        el('strong', { text: d.name }),
        el('span', { class: 'device-used', text: `${bytes(d.used_bytes)} of ${bytes(budget)} used · ${bytes(free)} free` })),
      el('div', {
        class: 'mem-bar', role: 'img', 'data-used': String(d.used_bytes || 0),
        'aria-label': `${d.name}: ${bytes(d.used_bytes)} of ${bytes(budget)} used`,
      }, segments),
      el('table', { class: 'grid mem-models' },
        el('thead', {}, el('tr', {}, ['Model', 'Size', 'State', 'Last used', 'Actions']
          .map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, (d.models || []).map((m) => this.row(d, m, free)))));
  }

  row(d, m, free) {
    const queued = this.waiting.get(m.id) || 0;
    const why = queued ? el('span', { class: 'block why', text: this.why(d, m, queued, free) }) : null;
    const loaded = m.state === 'loaded' || m.state === 'loading';
    const action = loaded ? 'unload' : 'load';
    return el('tr', { 'data-model': m.id, 'data-state': m.state },
      cell('Model', {}, el('strong', { text: m.id })),
      cell('Size', {}, bytes(m.bytes)),
      cell('State', {}, el('span', { class: `state state-${m.state}`, text: m.state }),
        m.state === 'loading' ? el('span', { class: 'loading-bar', role: 'progressbar', 'aria-label': `${m.id} loading` }) : null,
        why),
      cell('Last used', { title: m.last_used || '' }, m.last_used ? ago(m.last_used) : '—'),
      cell('Actions', { class: 'actions' }, el('button', {
        type: 'button', text: action === 'load' ? 'Load' : 'Unload', 'data-action': action,
        'aria-label': `${action} ${m.id}`, onclick: (e) => this.act(m.id, action, e.currentTarget),
      })));
  }

  why(d, m, queued, free) {
    const n = `${queued} request${queued === 1 ? '' : 's'} waiting`;
    if (m.state === 'loading') return `${n}: the model is loading`;
    if (m.state === 'loaded') return `${n}: every slot of the model is busy`;
    if (m.bytes > free) return `${n} for room on ${d.name}: it needs ${bytes(m.bytes)}, ${bytes(free)} is free`;
    return `${n}: the model is about to load`;
  }

  async act(id, action, button) {
    button.disabled = true;
    $('memory-error').hidden = true;
    try {
      await this.api.post(`/admin/models/${encodeURIComponent(id)}/${action}`);
    } catch (e) {
      $('memory-error').textContent = `Could not ${action} ${id}: ${e.message}`;
      $('memory-error').hidden = false;
    }
    await this.refresh();
  }
}

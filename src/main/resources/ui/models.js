// The models table: every configured model with its state, roles and, for the servers the gateway
// runs, start/stop/restart and a button that shows its logs. A pooled entry lists each of its servers;
// in a cluster, a llama.cpp entry says on which nodes it is loaded.

import { cell, el } from './format.js';

const TYPES = { 'llama.cpp': 'llama.cpp', ollama: 'Ollama', litellm: 'cloud (LiteLLM)' };
const ACTIONS = {
  start: (state) => state !== 'running' && state !== 'starting',
  stop: (state) => state === 'running' || state === 'starting',
  restart: (state) => state === 'running' || state === 'failed',
};

export class ModelsView {
  /**
   * @param api the AdminApi
   * @param hooks {showError(message), showLogs(processId)}
   */
  constructor(api, hooks) {
    this.api = api;
    this.hooks = hooks;
    this.body = document.querySelector('#models tbody');
    this.empty = document.getElementById('models-empty');
    this.rows = new Map(); // id -> {json, tr}
    this.models = [];
    this.node = null; // this gateway's cluster node name; null when it runs alone
  }

  /** The supervised processes: [{id, label}] for the logs panel. */
  processes() {
    const seen = new Map();
    this.models.filter((m) => m.process).forEach((m) => {
      if (!seen.has(m.process)) seen.set(m.process, { id: m.process, label: m.process });
    });
    return [...seen.values()];
  }

  mainModel() {
    return this.models.find((m) => (m.roles || []).includes('main'));
  }

  /** answer: GET /admin/models (or the feed's models event), {models, node?}. */
  render(answer) {
    this.models = answer.models || [];
    this.node = typeof answer.node === 'string' && answer.node ? answer.node : null;
    const next = new Map();
    const trs = this.models.map((m) => {
      // The node is part of the key: which name reads "this node" depends on it.
      const json = JSON.stringify([m, this.node]);
      const old = this.rows.get(m.id);
      // An unchanged row is kept as it is, so a focused button stays focused.
      const tr = old && old.json === json ? old.tr : this.row(m);
      next.set(m.id, { json, tr });
      return tr;
    });
    this.rows = next;
    this.body.replaceChildren(...trs);
    this.empty.hidden = this.models.length > 0;
  }

  row(m) {
    const name = cell('Model', {},
      el('strong', { text: m.id }),
      m.alias ? el('span', { class: 'muted block', text: `alias ${m.alias}` }) : null);
    const pool = Array.isArray(m.endpoints) && m.endpoints.length ? m.endpoints : null;
    const backend = cell('Backend', {},
      // A pool's backend URL is only its first server's: the list says more.
      pool ? el('span', { class: 'muted block', text: `pool of ${plural(pool.length, 'server')}` })
        : el('code', { text: m.backend }),
      m.upstream_model && m.upstream_model !== m.id
        ? el('span', { class: 'muted block', text: `as ${m.upstream_model}` }) : null,
      pool ? el('ul', { class: 'endpoints', 'aria-label': `servers of ${m.id}` }, pool.map(endpoint)) : null);
    const state = cell('State', {},
      el('span', { class: `state state-${m.state}`, text: m.state }),
      m.message ? el('span', { class: 'muted block message', text: m.message }) : null,
      this.nodes(m));
    const roles = cell('Roles', {},
      (m.roles || []).map((r) => el('span', { class: `role role-${r}`, text: r })),
      (m.roles || []).length ? null : el('span', { class: 'muted', text: '—' }));
    const actions = cell('Actions', { class: 'actions' },
      m.process ? this.buttons(m) : el('span', { class: 'muted', text: this.unmanaged(m) }));
    return el('tr', { 'data-id': m.id, 'data-state': m.state },
      name, cell('Type', {}, TYPES[m.type] || m.type), backend, state, roles,
      actions);
  }

  /** "on gw-1 (this node), gw-2": the cluster nodes where the model is loaded now (none: nothing). */
  nodes(m) {
    const names = Array.isArray(m.nodes) ? m.nodes.filter((n) => typeof n === 'string' && n) : [];
    if (!names.length) return null;
    return el('span', { class: 'muted block nodes' }, 'on ', names.flatMap((n, i) => [
      i ? ', ' : null,
      n === this.node ? el('strong', { class: 'this-node', text: `${n} (this node)` }) : n,
    ]));
  }

  unmanaged(m) {
    return m.type === 'ollama' ? 'run by Ollama' : 'not run by the gateway';
  }

  buttons(m) {
    const list = Object.entries(ACTIONS).map(([action, allowed]) => el('button', {
      type: 'button',
      text: action[0].toUpperCase() + action.slice(1),
      'aria-label': `${action} ${m.id}`,
      disabled: !allowed(m.state),
      'data-action': action,
      onclick: (e) => this.act(m, action, e.currentTarget),
    }));
    list.push(el('button', {
      type: 'button', class: 'quiet', text: 'Logs', 'aria-label': `logs of ${m.id}`,
      'data-action': 'logs', onclick: () => this.hooks.showLogs(m.process),
    }));
    return list;
  }

  async act(m, action, button) {
    const buttons = button.parentElement.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await this.api.post(`/admin/processes/${encodeURIComponent(m.process)}/${action}`);
    } catch (e) {
      this.hooks.showError(`Could not ${action} ${m.id}: ${e.message}`);
    } finally {
      this.rows.delete(m.id); // drawn anew (buttons enabled as the state allows) even if nothing changed
      this.refresh();
    }
  }

  async refresh() {
    try {
      this.render(await this.api.get('/admin/models'));
    } catch (e) {
      // the page's failure listener shows it
    }
  }
}

/** One server of a pool: its state in the page's colours, address, weight, requests; why it is down. */
function endpoint(e) {
  const state = e.state || 'unknown';
  const figures = [`weight ${e.weight ?? 1}`, `${e.in_flight ?? 0} in flight`, plural(e.requests ?? 0, 'request')];
  return el('li', { class: 'endpoint', 'data-endpoint': e.endpoint, 'data-state': state, title: e.message },
    el('span', { class: `endpoint-state state-${state}`, text: state }),
    el('code', { text: e.endpoint }),
    el('span', { class: 'muted endpoint-figures', text: figures.join(' · ') }),
    e.message && state !== 'up' ? el('span', { class: 'muted endpoint-message', text: e.message }) : null);
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

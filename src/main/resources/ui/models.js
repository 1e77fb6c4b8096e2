// The models table: every configured model with its state, roles and, for the servers the gateway
// runs, start/stop/restart and a button that shows its logs.

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

  render(models) {
    this.models = models;
    const next = new Map();
    const trs = models.map((m) => {
      const json = JSON.stringify(m);
      const old = this.rows.get(m.id);
      // An unchanged row is kept as it is, so a focused button stays focused.
      const tr = old && old.json === json ? old.tr : this.row(m);
      next.set(m.id, { json, tr });
      return tr;
    });
    this.rows = next;
    this.body.replaceChildren(...trs);
    this.empty.hidden = models.length > 0;
  }

  row(m) {
    const name = cell('Model', {},
      el('strong', { text: m.id }),
      m.alias ? el('span', { class: 'muted block', text: `alias ${m.alias}` }) : null);
    const backend = cell('Backend', {},
      el('code', { text: m.backend }),
      m.upstream_model && m.upstream_model !== m.id
        ? el('span', { class: 'muted block', text: `as ${m.upstream_model}` }) : null);
    const state = cell('State', {},
      el('span', { class: `state state-${m.state}`, text: m.state }),
      m.message ? el('span', { class: 'muted block message', text: m.message }) : null);
    const roles = cell('Roles', {},
      (m.roles || []).map((r) => el('span', { class: `role role-${r}`, text: r })),
      (m.roles || []).length ? null : el('span', { class: 'muted', text: '—' }));
    const actions = cell('Actions', { class: 'actions' },
      m.process ? this.buttons(m) : el('span', { class: 'muted', text: this.unmanaged(m) }));
    return el('tr', { 'data-id': m.id, 'data-state': m.state },
      name, cell('Type', {}, TYPES[m.type] || m.type), backend, state, roles,
      actions);
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
      this.render((await this.api.get('/admin/models')).models);
    } catch (e) {
      // the page's failure listener shows it
    }
  }
}

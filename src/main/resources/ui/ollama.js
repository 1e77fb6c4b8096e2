// The Ollama server's models: name, size, modified, which entry uses them, and "Use as main".

import { ago, bytes, cell, el } from './format.js';

export class OllamaView {
  /**
   * @param api the AdminApi
   * @param hooks {notice(message), mainChanged()}
   */
  constructor(api, hooks) {
    this.api = api;
    this.hooks = hooks;
    this.body = document.querySelector('#ollama-models tbody');
    this.table = document.getElementById('ollama-models');
    this.empty = document.getElementById('ollama-empty');
    this.error = document.getElementById('ollama-error');
    this.url = document.getElementById('ollama-url');
    document.getElementById('ollama-refresh').addEventListener('click', () => this.refresh());
  }

  async refresh() {
    let list;
    try {
      list = await this.api.get('/admin/ollama/models');
    } catch (e) {
      if (e.status === 401) return; // the page asks for the token
      this.showError(e.message);
      this.table.hidden = true;
      this.empty.hidden = true;
      return;
    }
    this.error.hidden = true;
    this.url.textContent = `Ollama at ${list.url}`;
    const models = list.models || [];
    this.body.replaceChildren(...models.map((m) => this.row(m)));
    this.table.hidden = models.length === 0;
    this.empty.hidden = models.length > 0;
  }

  row(m) {
    const main = (m.roles || []).includes('main');
    const used = m.entry
      ? [el('code', { text: m.entry }), ...(m.roles || []).map((r) => el('span', { class: `role role-${r}`, text: r }))]
      : [el('span', { class: 'muted', text: 'no entry in llm.yml' })];
    const button = el('button', {
      type: 'button',
      text: main ? 'Main model' : 'Use as main',
      disabled: main,
      'aria-label': main ? `${m.name} is the main model` : `use ${m.name} as main`,
      'data-action': 'use-as-main',
      onclick: (e) => this.useAsMain(m.name, e.currentTarget),
    });
    const details = m.details || {};
    const facts = [details.parameter_size, details.quantization_level].filter(Boolean).join(' · ');
    return el('tr', { 'data-name': m.name },
      cell('Name', {}, el('strong', { text: m.name }),
        facts ? el('span', { class: 'muted block', text: facts }) : null),
      cell('Size', {}, bytes(m.size)),
      cell('Modified', { title: m.modified_at || '' }, ago(m.modified_at)),
      cell('Used by', {}, used),
      cell('Actions', { class: 'actions' }, button));
  }

  async useAsMain(name, button) {
    button.disabled = true;
    button.textContent = 'Switching…';
    try {
      const result = await this.api.put('/admin/main', { model: name });
      const what = result.entry_added ? `added ${result.main} to llm.yml and made it` : `made ${result.main}`;
      this.hooks.notice(`${name}: ${what} the main model (mode ${result.mode}).`);
      this.hooks.mainChanged();
    } catch (e) {
      this.showError(`Could not use ${name} as main: ${e.message}`);
    }
    await this.refresh();
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
  }
}

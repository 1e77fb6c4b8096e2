// The config banner: when llm.yml has an error, which file, line and key, and that the last good
// config is still in use. Fed by the models feed (event: config), so it comes and goes live.

import { el } from './format.js';

const $ = (id) => document.getElementById(id);

export function showConfigStatus(status) {
  const broken = status && status.status === 'error' && status.last_error;
  $('config-banner').hidden = !broken;
  if (!broken) return;
  const since = status.loaded_at ? new Date(status.loaded_at).toLocaleString() : 'start';
  $('config-title').textContent = `${status.file} has an error: the gateway keeps using the last good `
    + `config (version ${status.version}, loaded ${since}) until the file is fixed.`;
  const problems = status.last_error.problems || [];
  const items = problems.length ? problems : [{ message: status.last_error.message }];
  $('config-problems').replaceChildren(...items.map((p) => el('li', {
    'data-line': p.line ? String(p.line) : null, 'data-key': p.key || null,
  },
  el('code', { text: `${status.file}${p.line ? `:${p.line}` : ''}` }),
  p.key ? ' ' : null,
  p.key ? el('span', { class: 'config-key', text: `${p.key}:` }) : null,
  ` ${p.message}`)));
}

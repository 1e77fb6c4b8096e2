// The "Manage models" page: wires the views to the admin API, asks for the admin token when the
// gateway wants one, and keeps the models table live through GET /admin/models/events.

import { ActivityView } from './activity.js';
import { AdminApi, follow } from './api.js';
import { showConfigStatus } from './config.js';
import { LogsView } from './logs.js';
import { MemoryView } from './memory.js';
import { ModelsView } from './models.js';
import { OllamaView } from './ollama.js';
import { PlaygroundView } from './playground.js';
import { PullsView } from './pulls.js';

const api = new AdminApi();
const $ = (id) => document.getElementById(id);

const page = {
  feed: null,
  started: false,
  mainRef: undefined,
  noticeTimer: null,

  bannerKind: null,

  showError(message, kind = 'action') {
    $('banner').textContent = message;
    $('banner').hidden = false;
    this.bannerKind = kind;
  },

  /** Hides the banner if it shows a problem of that kind (a connection problem once connected). */
  clearError(kind) {
    if (!kind || kind === this.bannerKind) {
      $('banner').hidden = true;
      this.bannerKind = null;
    }
  },

  notice(message) {
    $('notice').textContent = message;
    $('notice').hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => { $('notice').hidden = true; }, 15000);
  },

  live(text, ok) {
    $('live').textContent = text;
    $('live').classList.toggle('ok', ok);
  },
};

const logs = new LogsView(api);
const models = new ModelsView(api, {
  showError: (m) => page.showError(m),
  showLogs: (id) => {
    logs.show(id);
    $('logs').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  },
});
const ollama = new OllamaView(api, {
  notice: (m) => page.notice(m),
  mainChanged: () => models.refresh().then(() => onModels({ models: models.models, node: models.node })),
});
const pulls = new PullsView(api, { pulled: () => ollama.refresh() });
const playground = new PlaygroundView();
const memory = new MemoryView(api);
const activity = new ActivityView(api, { models: (rows) => memory.setWaiting(rows) });

/** answer: GET /admin/models, {models, node?} (node: this gateway's name, in a cluster only). */
function onModels(answer) {
  models.render(answer);
  $('node-name').textContent = models.node ? `node ${models.node}` : '';
  $('node-summary').hidden = !models.node;
  logs.setProcesses(models.processes());
  const main = models.mainModel();
  $('main-summary').textContent = main ? `main model: ${main.id}` : 'no main model selected';
  const ref = main ? main.ref : null;
  if (page.mainRef !== undefined && ref !== page.mainRef) {
    ollama.refresh(); // its "Used by" and "Use as main" columns follow the roles
  }
  page.mainRef = ref;
  playground.loadModels(); // entries come and go with llm.yml
}

api.onFailure((failure) => {
  if (failure.status === 401) {
    askForToken(api.token ? 'That admin token was not accepted; check it and enter it again.' : null);
  } else if (failure.code === 'admin_disabled') {
    page.live('admin endpoints are off', false);
    page.showError(failure.message, 'connection');
  } else if (failure.status === 0) {
    page.live('no answer from the gateway', false);
    page.showError(failure.message, 'connection');
  }
});

function askForToken(problem) {
  api.token = null;
  page.live('waiting for the admin token', false);
  $('token-panel').hidden = false;
  $('token-error').textContent = problem || '';
  $('token-error').hidden = !problem;
  $('token-input').focus();
}

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = $('token-input').value.trim();
  if (!value) return;
  api.token = value;
  $('token-input').value = '';
  start();
});

async function start() {
  let first;
  try {
    first = await api.get('/admin/models');
  } catch (e) {
    if (e.status !== 401 && e.status !== 0 && e.code !== 'admin_disabled') {
      page.showError(`The gateway did not list its models: ${e.message}`, 'connection');
    }
    if (e.status === 0) setTimeout(start, 3000);
    return;
  }
  page.clearError('connection');
  $('token-panel').hidden = true;
  $('content').hidden = false;
  onModels(first);
  if (page.feed) page.feed.close();
  page.feed = follow(api, '/admin/models/events', {
    models: (data) => onModels(data),
    config: (status) => showConfigStatus(status),
    onOpen: () => { page.live('live', true); page.clearError('connection'); },
    onDown: () => page.live('reconnecting…', false),
  });
  ollama.refresh();
  pulls.resume();
  activity.start();
  memory.start();
  page.started = true;
}

start();

// Pulls: the pull box, and one progress bar per pull fed by the pull's event stream
// (event: progress ..., then event: done or event: error).

import { bytes, el, percent } from './format.js';

export class PullsView {
  /**
   * @param api the AdminApi
   * @param hooks {pulled(model)}: a pull finished; the Ollama list should show the model
   */
  constructor(api, hooks) {
    this.api = api;
    this.hooks = hooks;
    this.list = document.getElementById('pulls');
    this.input = document.getElementById('pull-input');
    this.error = document.getElementById('pull-error');
    this.cards = new Map(); // pull id -> {li, source, finished}
    document.getElementById('pull-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.start(this.input.value.trim());
    });
  }

  /** Shows the pulls that are running already (started by another page, or by curl). */
  async resume() {
    try {
      const { pulls } = await this.api.get('/admin/ollama/pulls');
      pulls.filter((p) => p.state === 'running').forEach((p) => this.follow(p));
    } catch (e) {
      // shown by the page's failure listener
    }
  }

  async start(model) {
    this.error.hidden = true;
    if (!model) {
      this.showError('Type the name of a model to pull, e.g. qwen2.5:0.5b (see ollama.com/library).');
      return;
    }
    const button = document.getElementById('pull-button');
    button.disabled = true;
    try {
      const pull = await this.api.post('/admin/ollama/pulls', { model });
      this.input.value = '';
      this.follow(pull);
    } catch (e) {
      this.showError(`Could not pull ${model}: ${e.message}`);
    } finally {
      button.disabled = false;
    }
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  follow(pull) {
    if (this.cards.has(pull.id)) {
      return; // already shown (a second pull of the same model joins the first)
    }
    const card = { li: this.card(pull), source: null, finished: false };
    this.cards.set(pull.id, card);
    this.list.prepend(card.li);
    this.update(card, pull);
    this.listen(card, pull);
  }

  listen(card, pull) {
    const source = this.api.events(pull.events);
    card.source = source;
    source.addEventListener('progress', (e) => this.update(card, JSON.parse(e.data)));
    const end = (e) => {
      source.close();
      this.finish(card, JSON.parse(e.data));
    };
    source.addEventListener('done', end);
    source.addEventListener('error', (e) => {
      if (e.data) end(e); // the pull's own "error" event; a broken connection has no data
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && !card.finished) {
        setTimeout(() => this.recover(card, pull), 1000);
      }
    };
  }

  /** The stream was refused or lost: ask for the pull's state, and follow it again if it runs. */
  async recover(card, pull) {
    try {
      const state = await this.api.get(`/admin/ollama/pulls/${encodeURIComponent(pull.id)}`);
      if (state.state === 'running') {
        this.listen(card, pull);
      } else {
        this.finish(card, state);
      }
    } catch (e) {
      if (e.status === 404) {
        this.finish(card, { state: 'error', error: 'The gateway no longer knows this pull (was it '
          + 'restarted?). Pull the model again: Ollama resumes where it stopped.' });
      } else {
        setTimeout(() => this.recover(card, pull), 3000);
      }
    }
  }

  card(pull) {
    const label = `Pull of ${pull.model}`;
    return el('li', { class: 'pull', 'data-id': pull.id, 'data-model': pull.model, 'aria-label': label },
      el('div', { class: 'pull-head' },
        el('strong', { text: pull.model }),
        el('span', { class: 'pull-status', text: 'starting' }),
        el('button', {
          type: 'button', class: 'quiet pull-cancel', text: 'Cancel', 'aria-label': `cancel the pull of ${pull.model}`,
          onclick: () => this.cancel(pull),
        }),
        el('button', {
          type: 'button', class: 'quiet pull-dismiss', text: 'Dismiss', hidden: true,
          'aria-label': `dismiss the pull of ${pull.model}`, onclick: () => this.dismiss(pull.id),
        })),
      el('progress', { max: 100, value: 0, 'aria-label': `${pull.model} downloaded` }),
      el('div', { class: 'pull-figures' },
        el('span', { class: 'pull-percent', text: '0.0 %' }),
        el('span', { class: 'pull-bytes muted' })),
      el('p', { class: 'error pull-error', role: 'alert', hidden: true }));
  }

  update(card, data) {
    const li = card.li;
    li.dataset.state = data.state || 'running';
    li.querySelector('.pull-status').textContent = data.status || 'starting';
    const bar = li.querySelector('progress');
    bar.value = Number(data.percent) || 0;
    bar.setAttribute('aria-valuetext', percent(data.percent));
    li.querySelector('.pull-percent').textContent = percent(data.percent);
    const total = data.total_bytes || 0;
    li.querySelector('.pull-bytes').textContent = total
      ? `${bytes(data.completed_bytes || 0)} of ${bytes(total)}` : '';
  }

  finish(card, data) {
    if (card.finished) return;
    card.finished = true;
    this.update(card, data);
    const li = card.li;
    li.querySelector('.pull-cancel').hidden = true;
    li.querySelector('.pull-dismiss').hidden = false;
    if (data.state === 'done') {
      li.querySelector('.pull-status').textContent = 'done: pulled, ready to use';
      this.hooks.pulled(li.dataset.model);
    } else {
      const error = li.querySelector('.pull-error');
      error.textContent = data.state === 'cancelled'
        ? 'Cancelled. Pulling it again resumes the download.'
        : `Pull failed: ${data.error || 'Ollama gave no reason; see the gateway log'}`;
      error.hidden = false;
      if (!data.total_bytes) { // nothing was downloaded: an empty bar would only confuse
        li.querySelector('progress').hidden = true;
        li.querySelector('.pull-figures').hidden = true;
      }
      li.querySelector('.pull-status').textContent = data.state === 'cancelled' ? 'cancelled' : 'failed';
    }
  }

  async cancel(pull) {
    try {
      await this.api.delete(`/admin/ollama/pulls/${encodeURIComponent(pull.id)}`);
    } catch (e) {
      this.showError(`Could not cancel the pull of ${pull.model}: ${e.message}`);
    }
  }

  dismiss(id) {
    const card = this.cards.get(id);
    if (card) {
      card.li.remove();
      this.cards.delete(id);
    }
  }
}

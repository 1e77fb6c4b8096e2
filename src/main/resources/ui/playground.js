// The playground: a streamed chat with any model, through the public POST /v1/chat/completions as
// any client would send it. Stop aborts the fetch; the gateway then closes its request to the
// backend, which stops generating.

import { el } from './format.js';

const KEY = 'llm-gateway.api-key';
const $ = (id) => document.getElementById(id);

/** Reads an OpenAI event stream: calls onEvent(json) for each `data:` event until [DONE]. */
async function readEvents(body, onEvent) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    pending += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = pending.indexOf('\n\n')) >= 0) {
      const event = pending.slice(0, cut);
      pending = pending.slice(cut + 2);
      const data = event.split('\n').filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart()).join('\n');
      if (data === '[DONE]') return;
      if (data) onEvent(JSON.parse(data));
    }
  }
}

export class PlaygroundView {
  constructor() {
    this.history = []; // {role, content} as sent
    this.controller = null;
    this.image = null; // {url (data URL, sent), preview (blob URL)}
    $('pg-key').value = sessionStorage.getItem(KEY) || '';
    $('pg-key-row').addEventListener('submit', (e) => {
      e.preventDefault();
      sessionStorage.setItem(KEY, $('pg-key').value.trim());
      this.loadModels();
    });
    $('pg-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.send();
    });
    $('pg-input').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.send();
      }
    });
    $('pg-stop').addEventListener('click', () => this.stop());
    $('pg-clear').addEventListener('click', () => this.clear());
    $('pg-image').addEventListener('change', () => this.attach($('pg-image').files[0]));
  }

  headers() {
    const headers = { 'Content-Type': 'application/json', Accept: 'text/event-stream, application/json' };
    const key = $('pg-key').value.trim();
    if (key) headers.Authorization = `Bearer ${key}`;
    return headers;
  }

  /** Fills the model list from GET /v1/models (configured and discovered models alike). */
  async loadModels() {
    let response;
    try {
      response = await fetch('/v1/models', { headers: this.headers(), cache: 'no-store' });
    } catch (e) {
      return; // the page says the gateway is gone
    }
    if (response.status === 401) {
      $('pg-key-row').hidden = false;
      this.showError($('pg-key').value
        ? 'That API key was not accepted (gateway.api_keys).'
        : 'This gateway wants an API key for /v1 (gateway.api_keys): enter one above.');
      return;
    }
    if (!response.ok) return;
    this.hideError();
    const { data } = await response.json();
    const select = $('pg-model');
    const chosen = select.value;
    const ids = data.map((m) => m.id);
    if (ids.join('\n') !== [...select.options].map((o) => o.value).join('\n')) {
      select.replaceChildren(...data.map((m) => {
        const roles = (m.llm_gateway && m.llm_gateway.roles) || [];
        return new Option(roles.length ? `${m.id} (${roles.join(', ')})` : m.id, m.id);
      }));
    }
    const main = data.find((m) => ((m.llm_gateway && m.llm_gateway.roles) || []).includes('main'));
    select.value = ids.includes(chosen) ? chosen : (main ? main.id : ids[0] || '');
  }

  async attach(file) {
    if (this.image) URL.revokeObjectURL(this.image.preview);
    this.image = null;
    $('pg-attached').textContent = '';
    if (!file) return;
    const url = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
    this.image = { url, preview: URL.createObjectURL(file), name: file.name };
    $('pg-attached').textContent = file.name;
  }

  bubble(role, text, image) {
    const li = el('li', { class: `msg msg-${role}`, 'data-role': role },
      el('span', { class: 'msg-role', text: role }),
      image ? el('img', { src: image, alt: 'attached image', class: 'msg-image' }) : null,
      el('div', { class: 'msg-text', text }));
    $('pg-messages').append(li);
    li.scrollIntoView({ block: 'nearest' });
    return li;
  }

  async send() {
    const text = $('pg-input').value.trim();
    const model = $('pg-model').value;
    if (this.controller || (!text && !this.image)) return;
    if (!model) {
      this.showError('No model to talk to: add one to llm.yml (or pull one with Ollama).');
      return;
    }
    this.hideError();
    const content = this.image
      ? [{ type: 'text', text }, { type: 'image_url', image_url: { url: this.image.url } }]
      : text;
    this.bubble('user', text, this.image && this.image.preview);
    this.history.push({ role: 'user', content });
    $('pg-input').value = '';
    this.image = null;
    $('pg-image').value = '';
    $('pg-attached').textContent = '';

    const messages = [...this.history];
    const system = $('pg-system').value.trim();
    if (system) messages.unshift({ role: 'system', content: system });
    const body = { model, messages, stream: true, stream_options: { include_usage: true } };
    const temperature = parseFloat($('pg-temperature').value);
    const maxTokens = parseInt($('pg-max-tokens').value, 10);
    if (Number.isFinite(temperature)) body.temperature = temperature;
    if (Number.isFinite(maxTokens)) body.max_tokens = maxTokens;

    const reply = this.bubble('assistant', '');
    reply.classList.add('streaming');
    const out = reply.querySelector('.msg-text');
    const run = { start: performance.now(), first: 0, last: 0, chunks: 0, usage: null, text: '' };
    this.controller = new AbortController();
    this.busy(true);
    $('pg-stats').textContent = `Waiting for ${model}…`;
    let outcome = 'done';
    try {
      const response = await fetch('/v1/chat/completions', {
        method: 'POST', headers: this.headers(), body: JSON.stringify(body), signal: this.controller.signal,
      });
      if (!response.ok) {
        const data = await response.json().catch(() => ({}));
        throw new Error((data.error && data.error.message) || `HTTP ${response.status}`);
      }
      await readEvents(response.body, (event) => {
        if (event.error) throw new Error(event.error.message || 'the stream broke off');
        if (event.usage) run.usage = event.usage;
        const delta = event.choices && event.choices[0] && event.choices[0].delta;
        const piece = delta && (delta.content || delta.reasoning_content);
        if (piece) {
          const now = performance.now();
          if (!run.first) run.first = now;
          run.last = now;
          run.chunks += 1;
          run.text += piece;
          out.textContent = run.text;
          this.stats(run, false);
        }
      });
    } catch (e) {
      if (e.name === 'AbortError') {
        outcome = 'stopped';
      } else {
        outcome = 'failed';
        this.controller.abort(); // a stream that said it failed: let go of it
        this.showError(`${model}: ${e.message}`);
      }
    } finally {
      this.controller = null;
      this.busy(false);
      reply.classList.remove('streaming');
      reply.dataset.outcome = outcome;
      if (run.text) this.history.push({ role: 'assistant', content: run.text });
      this.stats(run, true, outcome);
    }
  }

  /** Time to first token and tokens/s: from the backend's usage when it sent it, else one per chunk. */
  stats(run, final, outcome) {
    const parts = [];
    if (run.first) parts.push(`first token after ${Math.round(run.first - run.start)} ms`);
    const tokens = run.usage && run.usage.completion_tokens ? run.usage.completion_tokens : run.chunks;
    if (tokens) parts.push(`${tokens} tokens${run.usage ? '' : ' (counted as chunks)'}`);
    const seconds = (run.last - run.first) / 1000;
    if (tokens > 1 && seconds > 0) parts.push(`${((tokens - 1) / seconds).toFixed(1)} tokens/s`);
    if (final && outcome === 'stopped') parts.push('stopped');
    if (!final) parts.unshift('streaming');
    $('pg-stats').textContent = parts.join(' · ');
  }

  stop() {
    if (this.controller) this.controller.abort();
  }

  clear() {
    this.stop();
    this.history = [];
    $('pg-messages').replaceChildren();
    $('pg-stats').textContent = '';
    this.hideError();
  }

  busy(on) {
    $('pg-send').disabled = on;
    $('pg-stop').disabled = !on;
  }

  showError(message) {
    $('pg-error').textContent = message;
    $('pg-error').hidden = false;
  }

  hideError() {
    $('pg-error').hidden = true;
  }
}

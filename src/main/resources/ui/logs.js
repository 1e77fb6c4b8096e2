// The logs panel: tails one supervised process's output (its recent lines first, then live ones).

import { follow } from './api.js';

const MAX_LINES = 1000;

export class LogsView {
  constructor(api) {
    this.api = api;
    this.select = document.getElementById('logs-process');
    this.pre = document.getElementById('logs');
    this.status = document.getElementById('logs-status');
    this.followBox = document.getElementById('logs-follow');
    this.stream = null;
    this.current = null;
    this.select.addEventListener('change', () => this.show(this.select.value));
    document.getElementById('logs-clear').addEventListener('click', () => this.pre.replaceChildren());
  }

  /** The processes to choose from: [{id, label}]; the first one is shown when none is yet. */
  setProcesses(processes) {
    const ids = processes.map((p) => p.id);
    const now = [...this.select.options].map((o) => o.value);
    if (ids.join('\n') !== now.join('\n')) {
      this.select.replaceChildren(...processes.map((p) => new Option(p.label, p.id)));
    }
    this.select.disabled = ids.length === 0;
    if (ids.length === 0) {
      this.close();
      this.status.textContent = 'The gateway runs no llama-server (or LiteLLM) process, so there are no logs to show.';
    } else if (!ids.includes(this.current)) {
      this.show(ids[0]);
    } else {
      this.select.value = this.current;
    }
  }

  show(id) {
    if (id === this.current && this.stream) return;
    this.close();
    this.current = id;
    this.select.value = id;
    this.pre.replaceChildren();
    this.status.textContent = `Connecting to the output of ${id}…`;
    this.stream = follow(this.api, `/admin/processes/${encodeURIComponent(id)}/logs`, {
      log: (entry) => this.append(entry),
      dropped: (d) => this.append({ line: `… ${d.count} lines skipped (the page read too slowly)` }),
      onOpen: () => { this.status.textContent = `Output of ${id}, live.`; },
      onDown: (retry) => {
        this.status.textContent = retry
          ? `The log stream of ${id} is closed; trying again in ${Math.round(retry / 1000)} s.`
          : `The log stream of ${id} was interrupted; reconnecting…`;
      },
    });
  }

  close() {
    if (this.stream) this.stream.close();
    this.stream = null;
    this.current = null;
  }

  append(entry) {
    const time = entry.time ? new Date(entry.time).toLocaleTimeString() : '';
    const line = document.createElement('span');
    line.className = 'log-line';
    line.textContent = `${time ? `${time}  ` : ''}${entry.line}\n`;
    this.pre.append(line);
    while (this.pre.childNodes.length > MAX_LINES) this.pre.firstChild.remove();
    if (this.followBox.checked) this.pre.scrollTop = this.pre.scrollHeight;
  }
}

// The admin API as the page uses it: JSON calls with the admin token as a Bearer header, and event
// streams. EventSource cannot send headers, so before it opens a stream the page puts the token in a
// cookie that lives one minute and goes to /admin only; the gateway accepts that cookie for GETs of
// its event streams and nothing else.

const TOKEN_KEY = 'llm-gateway.admin-token';
const TOKEN_COOKIE = 'llm_gateway_admin_token';
const COOKIE_SECONDS = 60;

/** A failed admin call: the HTTP status (0: no answer), the gateway's message, its error code. */
export class ApiFailure extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class AdminApi {
  constructor() {
    this.listeners = [];
  }

  /** Called with every failure of a call, so the page can ask for the token or show the message. */
  onFailure(listener) {
    this.listeners.push(listener);
  }

  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  set token(value) {
    if (value) {
      sessionStorage.setItem(TOKEN_KEY, value);
    } else {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  }

  get(path) {
    return this.call('GET', path);
  }

  post(path, body) {
    return this.call('POST', path, body);
  }

  put(path, body) {
    return this.call('PUT', path, body);
  }

  delete(path) {
    return this.call('DELETE', path);
  }

  async call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (this.token) {
      headers.Authorization = `Bearer ${this.token}`;
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(path, {
        method, headers, cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw this.failed(new ApiFailure(0, `The gateway at ${location.host} does not answer `
        + '(is it still running?); the page tries again by itself.', 'no_answer'));
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      // not JSON: described below from the status
    }
    if (!response.ok) {
      const error = data && data.error ? data.error : {};
      throw this.failed(new ApiFailure(response.status,
        error.message || `${method} ${path} failed with HTTP ${response.status}`, error.code));
    }
    return data;
  }

  failed(failure) {
    this.listeners.forEach((l) => l(failure));
    return failure;
  }

  /** An EventSource on an admin stream; the token goes along as a short-lived cookie. */
  events(path) {
    if (this.token) {
      document.cookie = `${TOKEN_COOKIE}=${encodeURIComponent(this.token)}; Max-Age=${COOKIE_SECONDS}; `
        + 'Path=/admin; SameSite=Strict';
    }
    return new EventSource(path);
  }
}

/**
 * Follows a stream that should stay open (the models feed, a process's logs): whenever the browser
 * gives up on it (the gateway went away, or answered an error), it is opened again after a pause
 * that grows up to 30 s, with a fresh cookie. handlers: {event name: fn(data)}, plus
 * onOpen() and onDown(willRetryInMs).
 */
export function follow(api, path, handlers) {
  let source = null;
  let timer = null;
  let delay = 1000;
  let stopped = false;

  const open = () => {
    source = api.events(path);
    source.onopen = () => {
      delay = 1000;
      if (handlers.onOpen) handlers.onOpen();
    };
    Object.entries(handlers).filter(([name]) => !name.startsWith('on')).forEach(([name, fn]) => {
      source.addEventListener(name, (e) => fn(JSON.parse(e.data)));
    });
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED || stopped) {
        if (handlers.onDown && !stopped) handlers.onDown(0);
        return; // the browser reconnects by itself
      }
      if (handlers.onDown) handlers.onDown(delay);
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 30000);
    };
  };
  open();
  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      if (source) source.close();
    },
  };
}

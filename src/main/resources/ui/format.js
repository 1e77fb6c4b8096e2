// Small helpers: building elements without HTML strings, and numbers people read.

/** An element with attributes/properties and children (strings become text, never HTML). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.entries(props).forEach(([key, value]) => {
    if (value === undefined || value === null || value === false) return;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  });
  children.flat().forEach((c) => {
    if (c !== null && c !== undefined && c !== false) {
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  });
  return node;
}

/** 397807936 -> "398 MB" (decimal units, as Ollama shows them). */
export function bytes(n) {
  if (!Number.isFinite(n) || n <= 0) return '0 B';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** An ISO time as "3 minutes ago" / "2 days ago", with the full date for the tooltip. */
export function ago(iso) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const s = Math.max(0, (Date.now() - t) / 1000);
  const steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month']];
  let v = s;
  for (const [size, name] of steps) {
    if (v < size) return `${Math.floor(v)} ${name}${Math.floor(v) === 1 ? '' : 's'} ago`;
    v /= size;
  }
  return `${Math.floor(v)} year${Math.floor(v) === 1 ? '' : 's'} ago`;
}

export function percent(p) {
  return `${(Number(p) || 0).toFixed(1)} %`;
}

/** A table cell: its column name (shown as a label on phones) and its content in one box. */
export function cell(label, props, ...children) {
  return el('td', { ...props, 'data-label': label }, el('div', { class: 'cell' }, ...children));
}

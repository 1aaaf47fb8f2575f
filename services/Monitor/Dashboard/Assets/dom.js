// Building DOM nodes from data. Text always goes in as text nodes (model names, column values and alert
// summaries come from outside), never as HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

function assign(node, attributes) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: el('td', { class: 'number' }, '0.123'). */
export function el(tag, attributes, ...children) {
  return append(assign(document.createElement(tag), attributes), children);
}

/** An SVG element: svg('line', { x1: 0, y1: 0, x2: 10, y2: 0 }). */
export function svg(tag, attributes, ...children) {
  return append(assign(document.createElementNS(SVG_NS, tag), attributes), children);
}

/**
 * Replaces a table body's rows. Each row is an array of cells: a string/number (a plain cell) or
 * { text, class, header } (header: a row header, th scope=row). rowAttributes(row, index) gives the
 * <tr>'s attributes. With no rows, one full-width row says `empty`.
 */
export function fillTable(tbody, rows, empty, rowAttributes) {
  const width = tbody.closest('table')?.tHead?.rows[0]?.cells.length ?? 1;
  const trs = rows.map((cells, index) =>
    el('tr', rowAttributes?.(cells, index), cells.map(cell => {
      const spec = typeof cell === 'object' && cell !== null && !(cell instanceof Node) ? cell : { text: cell };
      return el(spec.header ? 'th' : 'td', { class: spec.class, scope: spec.header ? 'row' : undefined, title: spec.title }, spec.text);
    })));
  if (trs.length === 0) trs.push(el('tr', { class: 'empty' }, el('td', { colspan: width }, empty)));
  tbody.replaceChildren(...trs);
}

/** A coloured label: badge('firing', 'bad'). */
export function badge(text, tone) {
  return el('span', { class: `badge ${tone}` }, text);
}

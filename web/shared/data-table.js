// "Data table": the numbers behind a picture, for the keyboard and screen readers. A <details>
// whose table is built from the picture's data when it is opened (and rebuilt by refresh() while
// open), at most TABLE_ROWS rows. Used by the line charts (chart.js), the race's landscape and the
// Training picture, in the page and inside the components.

export const TABLE_ROWS = 200;

/**
 * build() -> { caption, head: [column names], rows: [[row name, ...cells]] } (strings), or null
 * while there is nothing to show. Returns the <details class="chart-table"> with refresh().
 */
export function dataTable(build) {
  const box = document.createElement('details');
  box.className = 'chart-table';
  const summary = document.createElement('summary');
  summary.textContent = 'Data table';
  box.append(summary);
  const render = () => {
    box.querySelector('.chart-table-body')?.remove();
    if (!box.open) return;
    const t = build();
    if (!t) return;
    const wrap = document.createElement('div');
    wrap.className = 'chart-table-body';
    const table = document.createElement('table');
    table.createCaption().textContent = t.caption;
    const head = table.createTHead().insertRow();
    for (const name of t.head) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      head.append(th);
    }
    const body = table.createTBody();
    for (const [first, ...cells] of t.rows.slice(0, TABLE_ROWS)) {
      const tr = body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = first;
      tr.append(th);
      for (const c of cells) tr.insertCell().textContent = c;
    }
    wrap.append(table);
    box.append(wrap);
  };
  box.addEventListener('toggle', render);
  box.refresh = render;
  return box;
}

/** Every k-th of n indices and the last, at most TABLE_ROWS of them, and k. */
export function sampled(n) {
  const k = n <= TABLE_ROWS ? 1 : Math.ceil((n - 1) / (TABLE_ROWS - 1));
  const at = [];
  for (let i = 0; i < n; i += k) at.push(i);
  if (n && at[at.length - 1] !== n - 1) at.push(n - 1);
  return { at, k };
}

// Printing: every component's canvases become images of their current pixels while the page
// prints (beforeprint, or the print media query where that event is missing), and come back after.
import { el } from '../shared/dom.js';

const TAGS = 'steplab-schedule, steplab-loss, steplab-race, steplab-lrfinder, steplab-train';
let printed = [];
function printImages() {
  if (printed.length) return;
  for (const host of document.querySelectorAll(TAGS)) {
    for (const c of host.shadowRoot?.querySelectorAll('canvas') || []) {
      if (!c.width || !c.height || !c.clientWidth || c.style.display === 'none') continue;
      const img = el('img', { class: 'steplab-print', alt: c.getAttribute('aria-label') || host.localName, src: c.toDataURL('image/png') });
      img.style.width = `${c.clientWidth}px`;
      img.style.maxWidth = '100%';
      img.style.height = 'auto';
      c.before(img);
      c.style.display = 'none';
      printed.push([c, img]);
    }
  }
}
function liveCanvases() {
  for (const [c, img] of printed) {
    img.remove();
    c.style.display = '';
  }
  printed = [];
}

export function watchPrinting() {
  window.addEventListener('beforeprint', printImages);
  window.addEventListener('afterprint', liveCanvases);
  window.matchMedia?.('print').addEventListener?.('change', (e) => (e.matches ? printImages() : liveCanvases()));
}

/**
 * A row that scrolls sideways (a panel's tabs on a phone) says so: its box carries
 * `data-more` = `start`, `end` or `both` while tabs hide on that side, and the CSS draws a
 * fade with an arrow there. The selected tab is scrolled into sight when the row is laid out.
 * @module
 */
import { h } from '../lib/dom.ts';

/** Which sides of a scroller hide content: '', 'start', 'end' or 'both'. */
export function hiddenSides(scrollLeft: number, scrollWidth: number, clientWidth: number): string {
  const start = scrollLeft > 1;
  const end = scrollLeft < scrollWidth - clientWidth - 1;
  return start && end ? 'both' : start ? 'start' : end ? 'end' : '';
}

function revealSelected(scroller: HTMLElement): void {
  const selected = scroller.querySelector<HTMLElement>('[aria-selected="true"]');
  if (!selected) return;
  const box = scroller.getBoundingClientRect();
  const tab = selected.getBoundingClientRect();
  if (tab.right > box.right) scroller.scrollLeft += tab.right - box.right + 24;
  else if (tab.left < box.left) scroller.scrollLeft -= box.left - tab.left + 24;
}

export function scrollCue(scroller: HTMLElement): HTMLElement {
  const box = h('div', { class: 'sv-scroll-cue', 'data-more': '' }, scroller);
  const update = () => {
    box.dataset.more = hiddenSides(scroller.scrollLeft, scroller.scrollWidth, scroller.clientWidth);
  };
  scroller.addEventListener('scroll', update, { passive: true });
  let revealed = false;
  new ResizeObserver(() => {
    // Once laid out: a first draw's content is hidden until its first answer (index.ts).
    if (!revealed && scroller.clientWidth > 0) {
      revealSelected(scroller);
      revealed = true;
    }
    update();
  }).observe(scroller);
  return box;
}

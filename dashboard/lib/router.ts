/**
 * In-app navigation: real links (they open in a new tab as usual) whose plain clicks move
 * with history.pushState instead of loading the page again; back and forward redraw.
 * @module
 */
import { h } from './dom.ts';

let redraw: () => void = () => {};

/** Sets what runs after every navigation (pushState here, or the browser's back/forward). */
export function onNavigate(draw: () => void): void {
  redraw = draw;
  window.addEventListener('popstate', () => redraw());
}

export function navigate(href: string): void {
  history.pushState(null, '', href);
  redraw();
}

/** A plain click (no modifier, main button) stays in the app; anything else is the browser's. */
function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/** `<a href>` that navigates in place on a plain click. */
export function link(href: string, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLAnchorElement {
  return h(
    'a',
    {
      ...attrs,
      href,
      onclick: ((event: MouseEvent) => {
        if (!isPlainClick(event)) return;
        event.preventDefault();
        navigate(href);
      }) as EventListener,
    },
    ...children,
  );
}

/**
 * The opt-out widget (/optout.js) for a site's privacy page:
 *
 *   <div id="teller-optout"></div>
 *   <script defer src="https://stats.example.com/optout.js"></script>
 *
 * It renders a checkbox "count my visits" and a sentence saying what is true now. The
 * choice is the same cookie-free flag the tracker reads: `teller_ignore` and Plausible's
 * `plausible_ignore` in the site's localStorage (the script runs in the page's origin,
 * so the flag belongs to the site, not to Teller's host). Language: `data-lang` on the
 * div or the script tag, else the page's `lang`; Norwegian (bokmål) for nb/no/nn, else
 * English.
 * @module
 */

const TEXTS = {
  en: {
    label: 'Count my visits in the anonymous statistics of this website',
    counted: 'Your visits are counted anonymously, without cookies.',
    notCounted: 'Your visits are not counted. Your choice is saved in this browser, not in a cookie.',
    browserSignal:
      'Your browser asks websites not to track you (Do Not Track or Global Privacy Control), so your visits are not counted.',
    noStorage: 'This browser does not let the website save your choice.',
  },
  nb: {
    label: 'Tell besøkene mine i den anonyme statistikken for dette nettstedet',
    counted: 'Besøkene dine telles anonymt, uten informasjonskapsler.',
    notCounted: 'Besøkene dine telles ikke. Valget ditt er lagret i denne nettleseren, ikke i en informasjonskapsel.',
    browserSignal:
      'Nettleseren din ber nettsteder om ikke å spore deg (Do Not Track eller Global Privacy Control), så besøkene dine telles ikke.',
    noStorage: 'Denne nettleseren lar ikke nettstedet lagre valget ditt.',
  },
};

const FLAGS = ['teller_ignore', 'plausible_ignore'];

// Read while this script runs: afterwards document.currentScript is another script or null.
const ownScript = document.currentScript;

function render(root: HTMLElement): void {
  const lang = root.dataset.lang || ownScript?.dataset.lang || document.documentElement.lang;
  const text = /^n[bno]\b/i.test(lang) ? TEXTS.nb : TEXTS.en;

  const box = document.createElement('input');
  box.type = 'checkbox';
  // Wrapping the input in its label names the checkbox and makes the sentence clickable;
  // a native checkbox is focusable and toggled with Space, nothing else is needed.
  const label = document.createElement('label');
  label.className = 'teller-optout-label';
  label.append(box, ' ', text.label);
  const status = document.createElement('p');
  status.id = 'teller-optout-status';
  status.className = 'teller-optout-status';
  // Announced by screen readers after each change.
  status.setAttribute('aria-live', 'polite');
  box.setAttribute('aria-describedby', status.id);

  const update = () => {
    let optedOut = false;
    let storage = true;
    try {
      optedOut = FLAGS.some((flag) => localStorage.getItem(flag) === 'true');
    } catch {
      storage = false;
    }
    // The browser's signal wins over the checkbox, as in the tracker: show it as it is.
    const signal = navigator.doNotTrack === '1' || navigator.globalPrivacyControl === true;
    box.checked = !optedOut && !signal;
    box.disabled = signal || !storage;
    status.textContent = signal
      ? text.browserSignal
      : !storage
        ? text.noStorage
        : optedOut
          ? text.notCounted
          : text.counted;
  };

  box.addEventListener('change', () => {
    try {
      for (const flag of FLAGS) {
        if (box.checked) localStorage.removeItem(flag);
        else localStorage.setItem(flag, 'true');
      }
    } catch {
      // update() below reports that the choice could not be saved.
    }
    update();
  });
  // Another tab of the same site may change the flag.
  addEventListener('storage', update);

  root.replaceChildren(label, status);
  update();
}

function mount(): void {
  const root = document.getElementById('teller-optout');
  if (root) render(root);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount);
else mount();

export {};

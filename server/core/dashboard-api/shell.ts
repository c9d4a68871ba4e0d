/**
 * The dashboard's one HTML page: a shell that loads the dashboard's script and styles,
 * which draw whatever the path asks for. No inline script or style, so the CSP can forbid both.
 * @module
 */
import { SESSION_META, type SessionState } from './contract.ts';

/** Text safe inside a double-quoted HTML attribute. */
function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The page, carrying what the dashboard would otherwise ask for first (the session state) in
 * a meta element: data, not script, so the CSP stays strict, and the dashboard's first
 * requests after its files are the queries themselves. `preload`: the files the page will
 * need (preload.ts), asked for with the entry rather than after it.
 */
export function shellHtml(state: SessionState, preload: readonly string[] = []): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="${SESSION_META}" content="${attribute(JSON.stringify(state))}">
<title>Teller</title>
<meta name="theme-color" content="#4338ca">
<link rel="icon" href="/favicon.ico" sizes="32x32">
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="/apple-touch-icon.png">
<link rel="manifest" href="/manifest.webmanifest">
<link rel="stylesheet" href="/dashboard/app.css">
<script type="module" src="/dashboard/app.js"></script>
${preload.map((href) => `<link rel="modulepreload" href="${attribute(href)}">\n`).join('')}</head>
<body>
<noscript>The Teller dashboard needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;
}

/** frame-ancestors is 'none' except for a shared link the owner marked embeddable. */
export function contentSecurityPolicy(embeddable: boolean): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${embeddable ? '*' : "'none'"}`,
  ].join('; ');
}

/** Headers of every dashboard page. */
export function pageHeaders(embeddable: boolean): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': contentSecurityPolicy(embeddable),
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    // The page carries the session's state (e-mail, sites): never kept by any cache.
    'Cache-Control': 'no-store',
  };
}

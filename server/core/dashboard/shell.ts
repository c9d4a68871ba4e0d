/**
 * The dashboard's one HTML page: a shell that loads the dashboard's script and styles,
 * which draw whatever the path asks for. No inline script or style, so the CSP can forbid both.
 * @module
 */

export const SHELL_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Teller</title>
<link rel="stylesheet" href="/dashboard/app.css">
<script type="module" src="/dashboard/app.js"></script>
</head>
<body>
<noscript>The Teller dashboard needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;

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
    'Cache-Control': 'no-cache',
  };
}

/** English strings of the site-view area. Keys are dotted by screen; the bokmål file has the same keys. */
export const siteView = {
} satisfies Record<string, string>;

/** English strings of the admin area. Keys are dotted by screen; the bokmål file has the same keys. */
export const admin = {
} satisfies Record<string, string>;

/** English strings of the common area. Keys are dotted by screen; the bokmål file has the same keys. */
export const common = {
} satisfies Record<string, string>;

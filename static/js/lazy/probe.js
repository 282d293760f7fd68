// The smallest lazy chunk: lets tests prove the lazy-loading path (build, config URL, import, CSP) works.
export const ready = true;

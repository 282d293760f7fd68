// The build's one CSS transform: a dark palette written once becomes the explicit-dark rule and its system-dark twin.
// The dark palette is written once, as top-level rules whose selectors start with DARK (the `?theme=dark` page), or
// with WHERE_DARK in a lazy sheet (whose defaults stay at zero specificity so a skin's tokens win).
// Each such rule is followed by a copy for a page that follows the system's dark scheme and was not asked for light.
// Only top-level rules are expanded; a DARK rule inside an at-rule is a mistake the build refuses.
export const DARK = ':root[data-theme="dark"]';
export const SYSTEM_DARK = ':root:not([data-theme="light"])';
export const WHERE_DARK = `:where(${DARK})`;
// Each dark form and its system-dark copy, the longer first (a selector starts with at most one of them).
const FORMS = [
  [WHERE_DARK, `:where(${SYSTEM_DARK})`],
  [DARK, SYSTEM_DARK],
];

export function expandDark(css) {
  let out = "";
  let i = 0;
  while (i < css.length) {
    const open = nextBrace(css, i);
    if (open < 0) {
      out += css.slice(i);
      break;
    }
    const close = matching(css, open);
    const prelude = css.slice(i, open);
    const rule = css.slice(i, close + 1);
    out += rule;
    const selector = prelude.replace(/\/\*[\s\S]*?\*\//g, "").trim();
    if (selector.startsWith("@") && rule.includes(DARK)) {
      throw new Error(`dark rules start every selector with ${DARK} at the top level, not inside ${selector}`);
    }
    if (selector.includes(DARK)) {
      const copies = selector.split(",").map((s) => systemCopy(s.trim()));
      if (selector.startsWith("@") || copies.includes(null)) {
        throw new Error(`dark rules start every selector with ${DARK} or ${WHERE_DARK} at the top level: ${selector}`);
      }
      out += `\n@media (prefers-color-scheme: dark) {\n${copies.join(",\n")} ${css.slice(open, close + 1)}\n}`;
    }
    i = close + 1;
  }
  return out;
}

// The system-dark twin of one dark selector, or null when it does not start with a dark form.
function systemCopy(selector) {
  const form = FORMS.find(([dark]) => selector.startsWith(dark));
  return form ? form[1] + selector.slice(form[0].length) : null;
}

// The next "{" at depth 0 from i, skipping comments and strings; -1 when none.
function nextBrace(css, i) {
  for (; i < css.length; i++) {
    const skip = skipNoise(css, i);
    if (skip !== i) {
      i = skip - 1;
      continue;
    }
    if (css[i] === "{") return i;
  }
  return -1;
}

// The index of the "}" that closes the "{" at open.
function matching(css, open) {
  let depth = 0;
  for (let i = open; i < css.length; i++) {
    const skip = skipNoise(css, i);
    if (skip !== i) {
      i = skip - 1;
      continue;
    }
    if (css[i] === "{") depth++;
    else if (css[i] === "}" && --depth === 0) return i;
  }
  throw new Error("unbalanced braces in a stylesheet");
}

// Past a comment or a quoted string starting at i; i itself when there is none.
function skipNoise(css, i) {
  if (css.startsWith("/*", i)) {
    const end = css.indexOf("*/", i + 2);
    return end < 0 ? css.length : end + 2;
  }
  const quote = css[i];
  if (quote === '"' || quote === "'") {
    let j = i + 1;
    while (j < css.length && css[j] !== quote) j += css[j] === "\\" ? 2 : 1;
    return j + 1;
  }
  return i;
}

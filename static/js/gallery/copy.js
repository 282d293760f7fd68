// Copy with the Clipboard API; when the browser refuses, select the text so the visitor can copy it by hand.

/** Selects the whole text of `node` (the fallback when the clipboard is not available). */
export function selectText(node) {
  const range = document.createRange();
  range.selectNodeContents(node);
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

/** true when `text` reached the clipboard; otherwise `source` is selected and false is returned. */
export async function copyOrSelect(text, source) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    selectText(source);
    return false;
  }
}

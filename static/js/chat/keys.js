// The composer, the keyboard and the host page's commands.
/** deps: {el, cfg, ctl, view, drawer, emit, fresh(), content, save(conv)} */
export function wireInput({ el, cfg, ctl, view, drawer, emit, fresh, content, save }) {
  el.composer.addEventListener("submit", (e) => {
    e.preventDefault();
    if (ctl.send(el.input.value)) el.input.value = "";
  });
  el.input.addEventListener("keydown", (e) => {
    // Enter sends; Shift+Enter is a newline; never while an IME is composing (229 = IME in progress).
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      el.composer.requestSubmit();
    }
  });
  el.stop.addEventListener("click", () => ctl.stop());
  // The page may go away mid-answer: keep what has arrived so far (marked interrupted on return).
  addEventListener("pagehide", () => {
    ctl.leave();
    save(ctl.conv);
  });
  el.jump.addEventListener("click", () => {
    view.jump();
    el.input.focus();
  });

  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || e.defaultPrevented || drawer.isOpen || el.access.open) return;
    if (ctl.running) {
      e.preventDefault();
      ctl.stop();
    } else if (cfg.embed) emit("close");
  });

  document.addEventListener("chatskins:command", (e) => {
    const d = e.detail || {};
    if (d.action === "send") ctl.send(d.text);
    else if (d.action === "reset") fresh();
    else if (d.action === "setInputs" && d.inputs && typeof d.inputs === "object") {
      ctl.setInputs(d.inputs);
      content.form().set(d.inputs);
    } else if (d.action === "focus") el.input.focus();
  });
}

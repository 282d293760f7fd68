// The app's user input form (text-input, paragraph, select, number, checkbox): build, read, check.
import { h } from "./dom.js";

const TYPES = new Set(["text-input", "paragraph", "select", "number", "checkbox"]);

export function createInputForm(container, fields, t) {
  const list = (Array.isArray(fields) ? fields : []).filter(
    (f) => f && TYPES.has(f.type) && typeof f.variable === "string",
  );
  const controls = new Map();

  list.forEach((f, i) => {
    const id = `cs-in-${i}`;
    const errId = `${id}-err`;
    const label = f.label || f.variable;
    let control;
    if (f.type === "paragraph") control = h("textarea", { rows: 3 });
    else if (f.type === "select") {
      control = h("select", {}, h("option", { value: "", text: t("select") }));
      for (const o of Array.isArray(f.options) ? f.options : [])
        control.append(h("option", { value: String(o), text: String(o) }));
    } else if (f.type === "checkbox") control = h("input", { type: "checkbox" });
    else if (f.type === "number") control = h("input", { type: "number", inputmode: "decimal", step: "any" });
    else control = h("input", { type: "text", autocomplete: "off" });
    control.id = id;
    control.name = f.variable;
    control.className = f.type === "checkbox" ? "cs-check" : "cs-field-input";
    control.setAttribute("aria-describedby", errId);
    if (f.required) control.setAttribute("aria-required", "true");
    if (f.maxLength && f.type !== "checkbox" && f.type !== "select" && f.type !== "number")
      control.maxLength = f.maxLength;
    const lab = h(
      "label",
      { for: id, text: label },
      f.required ? h("span", { class: "cs-req", "aria-hidden": "true", text: " *" }) : null,
    );
    const err = h("p", { class: "cs-field-error", id: errId });
    const row = h(
      "div",
      { class: `cs-field cs-field-${f.type}` },
      ...(f.type === "checkbox" ? [control, lab] : [lab, control]),
      err,
    );
    container.append(row);
    controls.set(f.variable, { f, control, err, label });
    setValue(f.variable, f.default);
    control.addEventListener("input", () => clearError(f.variable));
  });

  function setValue(name, v) {
    const c = controls.get(name);
    if (!c || v == null) return;
    if (c.f.type === "checkbox") c.control.checked = v === true || v === "true";
    else c.control.value = String(v);
  }

  function clearError(name) {
    const c = controls.get(name);
    c.err.textContent = "";
    c.control.removeAttribute("aria-invalid");
  }

  return {
    size: list.length,
    values() {
      const out = {};
      for (const [name, { f, control }] of controls) {
        if (f.type === "checkbox") out[name] = control.checked;
        else if (f.type === "number") {
          if (control.value.trim() !== "") out[name] = Number(control.value);
        } else out[name] = control.value;
      }
      return out;
    },
    set(values) {
      if (values && typeof values === "object") for (const [k, v] of Object.entries(values)) setValue(k, v);
    },
    // Shows an error on every bad field; returns the first bad control (to focus) or null.
    check() {
      let first = null;
      for (const [name, { f, control, err, label }] of controls) {
        clearError(name);
        let msg = "";
        const v = f.type === "checkbox" ? control.checked : control.value.trim();
        if (f.required && !v) msg = t("required", { label });
        else if (f.type === "number" && v && !Number.isFinite(Number(v))) msg = t("notANumber", { label });
        else if (f.maxLength && typeof v === "string" && v.length > f.maxLength) msg = t("tooLongField", { label });
        if (msg) {
          err.textContent = msg;
          control.setAttribute("aria-invalid", "true");
          first = first || control;
        }
      }
      return first;
    },
    disable(on) {
      for (const { control } of controls.values()) control.disabled = on;
    },
  };
}

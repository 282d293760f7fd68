// Browser storage for one bot: every key starts with "chatskins:<hookId>:" because every plugin
// page shares Dify's origin. When storage is unavailable or full, everything moves to memory
// (the conversation on screen is never lost) and `degraded` says why, so the page can tell the visitor.

export function memoryBackend() {
  const m = new Map();
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

function defaultBackend() {
  try {
    const ls = globalThis.localStorage;
    const probe = "chatskins:probe";
    ls.setItem(probe, "1");
    ls.removeItem(probe);
    return ls;
  } catch {
    return null;
  }
}

export function createStore(hookId, backend = defaultBackend(), { onDegrade } = {}) {
  const prefix = `chatskins:${hookId || "local"}:`;
  let area = backend;
  let degraded = null;
  if (!area) {
    area = memoryBackend();
    degraded = "unavailable";
  }

  function degrade(reason) {
    if (degraded) return;
    // Carry over what is already stored for this bot, so reads stay consistent.
    const mem = memoryBackend();
    try {
      for (let i = 0; i < area.length; i++) {
        const k = area.key(i);
        if (k && k.startsWith(prefix)) mem.setItem(k, area.getItem(k));
      }
    } catch {
      /* unreadable too: start empty */
    }
    area = mem;
    degraded = reason;
    if (onDegrade) onDegrade(reason);
  }

  function get(name, fallback = null) {
    try {
      const raw = area.getItem(prefix + name);
      return raw == null ? fallback : JSON.parse(raw);
    } catch {
      return fallback;
    }
  }

  function set(name, value) {
    const raw = JSON.stringify(value);
    try {
      area.setItem(prefix + name, raw);
    } catch (e) {
      degrade(e && e.name === "QuotaExceededError" ? "full" : "unavailable");
      area.setItem(prefix + name, raw);
    }
  }

  function remove(name) {
    try {
      area.removeItem(prefix + name);
    } catch {
      degrade("unavailable");
    }
  }

  function list() {
    const v = get("conversations", []);
    return Array.isArray(v) ? v.filter((c) => c && typeof c.id === "string") : [];
  }

  return {
    prefix,
    get degraded() {
      return degraded;
    },
    get,
    set,
    remove,
    // Conversations: an index of {id, conversationId, title, updated} plus one transcript key each.
    list,
    load(id) {
      const meta = list().find((c) => c.id === id);
      if (!meta) return null;
      const body = get(`conv:${id}`, {}) || {};
      const messages = Array.isArray(body.messages) ? body.messages : [];
      return { ...meta, messages, inputs: body.inputs && typeof body.inputs === "object" ? body.inputs : {} };
    },
    save(conv) {
      const meta = { id: conv.id, conversationId: conv.conversationId || null, title: conv.title || "", updated: conv.updated || Date.now() };
      set(`conv:${conv.id}`, { messages: conv.messages || [], inputs: conv.inputs || {} });
      const rest = list().filter((c) => c.id !== conv.id);
      set("conversations", [meta, ...rest].sort((a, b) => b.updated - a.updated));
    },
    rename(id, title) {
      set("conversations", list().map((c) => (c.id === id ? { ...c, title } : c)));
    },
    delete(id) {
      remove(`conv:${id}`);
      set("conversations", list().filter((c) => c.id !== id));
      if (get("current") === id) remove("current");
    },
    // Every key this bot owns (for tests and for wiping).
    keys() {
      const out = [];
      for (let i = 0; i < area.length; i++) {
        const k = area.key(i);
        if (k && k.startsWith(prefix)) out.push(k);
      }
      return out;
    },
  };
}

export function newId() {
  const c = globalThis.crypto;
  if (c && c.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

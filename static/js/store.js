// Browser storage for one bot: every key starts with "chatskins:<hookId>:" because every plugin
// page shares Dify's origin. When storage is unavailable or full, everything moves to memory
// (the conversation on screen is never lost) and `degraded` says why, so the page can tell the visitor.
// What is stored is untrusted input (another version of this page, a browser extension, a person
// with devtools): every read goes through a normalizer that keeps what it understands and drops
// the rest, and the stored format carries a version that older data is migrated from.

// 1: {conversations: [meta], "conv:<id>": {messages, inputs}} without a version;
// 2: the same, normalized, with `format: 2` in every index entry and transcript.
export const FORMAT = 2;

const isQuota = (e) =>
  !!e && (e.name === "QuotaExceededError" || e.name === "NS_ERROR_DOM_QUOTA_REACHED" || e.code === 22);
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v) => (typeof v === "string" ? v : "");
const strOrNull = (v) => (typeof v === "string" && v ? v : null);
const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const list = (v) => (Array.isArray(v) ? v : []);

function citation(c) {
  if (!isObject(c)) return null;
  return {
    position: num(c.position) ?? 0,
    dataset: str(c.dataset),
    document: str(c.document),
    content: str(c.content),
    score: num(c.score),
  };
}

function step(s) {
  if (!isObject(s)) return null;
  return {
    key: str(s.key),
    title: str(s.title),
    type: str(s.type),
    status: str(s.status) || "succeeded",
    elapsed: num(s.elapsed),
  };
}

function tool(t) {
  if (!isObject(t)) return null;
  const out = {
    position: num(t.position) ?? 0,
    names: list(t.names).filter((n) => typeof n === "string"),
    thought: str(t.thought),
    labels: {},
  };
  // Answer dialect (issue 13): tool labels by language, and inputs/outputs with show_tool_details.
  if (isObject(t.labels))
    for (const [name, langs] of Object.entries(t.labels))
      if (isObject(langs))
        out.labels[name] = Object.fromEntries(Object.entries(langs).filter(([, v]) => typeof v === "string"));
  if (str(t.input)) out.input = t.input;
  if (str(t.output)) out.output = t.output;
  return out;
}

// Reasoning block timings and the app's images (answer dialect, issue 13).
function thinkTime(x) {
  if (!isObject(x) || num(x.start) == null || num(x.end) == null) return null;
  return { start: x.start, end: x.end, done: x.done === true };
}
function file(f) {
  return isObject(f) && f.type === "image" && str(f.url) ? { type: "image", url: f.url } : null;
}

function messageError(e) {
  if (!isObject(e)) return null;
  return { code: str(e.code) || "internal_server_error", message: str(e.message), status: num(e.status) };
}

// One stored message in today's shape, or null when nothing usable is left of it.
export function normalizeMessage(m) {
  if (!isObject(m)) return null;
  const role = m.role === "user" ? "user" : m.role === "bot" || m.role === "assistant" ? "bot" : null;
  // Older or foreign shapes kept the text as `content` or `answer`.
  const text = [m.text, m.content, m.answer].find((v) => typeof v === "string") ?? "";
  // When it was sent (ms), for the timestamps; absent on messages stored before they existed.
  const at = num(m.at) == null ? {} : { at: m.at };
  if (role === "user") return text ? { role, text, ...at } : null;
  if (role !== "bot") return null;
  const out = {
    role,
    text,
    messageId: strOrNull(m.messageId),
    conversationId: strOrNull(m.conversationId),
    citations: list(m.citations).map(citation).filter(Boolean),
    steps: list(m.steps).map(step).filter(Boolean),
    tools: list(m.tools).map(tool).filter(Boolean),
    files: list(m.files).map(file).filter(Boolean).slice(0, 20),
    thinks: list(m.thinks).map(thinkTime).filter(Boolean),
    error: messageError(m.error),
    restarted: m.restarted === true,
    done: m.done === true,
    interrupted: m.interrupted === true,
    ...at,
  };
  if (m.streaming === true) out.streaming = true;
  if (m.stopped === true) out.stopped = true;
  if (m.feedback === "up" || m.feedback === "down") out.feedback = m.feedback;
  return out;
}

// A stored transcript body (today's object, or a bare message array) as {messages, inputs}.
export function normalizeTranscript(body) {
  const raw = Array.isArray(body) ? { messages: body } : isObject(body) ? body : {};
  const inputs = {};
  if (isObject(raw.inputs)) {
    for (const [k, v] of Object.entries(raw.inputs))
      if (["string", "number", "boolean"].includes(typeof v)) inputs[k] = v;
  }
  return { messages: list(raw.messages).map(normalizeMessage).filter(Boolean), inputs };
}

function normalizeMeta(c) {
  if (!isObject(c) || typeof c.id !== "string" || !c.id) return null;
  return {
    id: c.id,
    conversationId: strOrNull(c.conversationId),
    title: str(c.title),
    updated: num(c.updated) ?? 0,
    format: num(c.format) ?? 1,
  };
}

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

// localStorage (or sessionStorage) and, when it cannot be written, why: "full" (quota) or "unavailable".
function probeLocalStorage(name = "localStorage") {
  let ls = null;
  try {
    ls = globalThis[name];
    if (!ls) return { area: null, why: "unavailable" };
    const probe = "chatskins:probe";
    ls.setItem(probe, "1");
    ls.removeItem(probe);
    return { area: ls, why: null };
  } catch (e) {
    // A full storage can still be read: what is stored stays visible.
    return isQuota(e) ? { area: ls, why: "full" } : { area: null, why: "unavailable" };
  }
}

// The `conversation_memory` setting: where conversations live ("browser", "tab" or "none"). Away from
// the browser, what an earlier "browser" mode left in localStorage for this bot is forgotten.
export function memoryStore(hookId, memory, opts) {
  const prefix = `chatskins:${hookId || "local"}:`;
  if (memory === "tab" || memory === "none") {
    try {
      const ls = globalThis.localStorage;
      for (let i = ls.length - 1; i >= 0; i--) {
        const k = ls.key(i) || "";
        const name = k.slice(prefix.length);
        if (k.startsWith(prefix) && /^(conversations|current|conv:.*)$/.test(name)) ls.removeItem(k);
      }
    } catch {
      /* no localStorage: nothing was kept there */
    }
  }
  if (memory === "none") return createStore(hookId, memoryBackend(), opts);
  return createStore(hookId, memory === "tab" ? "sessionStorage" : undefined, opts);
}

// `backend` undefined: the browser's localStorage (probed); "sessionStorage": that one (probed);
// null: none; else a Storage-like object.
export function createStore(hookId, backend, { onDegrade } = {}) {
  const prefix = `chatskins:${hookId || "local"}:`;
  let area = backend;
  let degraded = null;
  let startWhy = null;
  if (backend === undefined || backend === "sessionStorage")
    ({ area, why: startWhy } = probeLocalStorage(backend || "localStorage"));
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
      degrade(isQuota(e) ? "full" : "unavailable");
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

  function index() {
    const seen = new Set();
    return list(get("conversations", []))
      .map(normalizeMeta)
      .filter((c) => c && !seen.has(c.id) && seen.add(c.id));
  }

  // Rewrites conversations of an older format in today's shape; never throws (reads normalize anyway).
  function migrate() {
    try {
      const metas = index();
      if (!metas.some((c) => c.format < FORMAT)) return;
      for (const c of metas) {
        if (c.format < FORMAT)
          set(`conv:${c.id}`, { ...normalizeTranscript(get(`conv:${c.id}`, null)), format: FORMAT });
      }
      set(
        "conversations",
        metas.map((c) => ({ ...c, format: Math.max(c.format, FORMAT) })),
      );
    } catch {
      /* unreadable: every read normalizes anyway */
    }
  }

  // Full at start: keep reading what is there, write to memory from now on.
  if (startWhy === "full") degrade("full");
  migrate();

  return {
    prefix,
    get degraded() {
      return degraded;
    },
    get,
    set,
    remove,
    // Conversations: an index of {id, conversationId, title, updated} plus one transcript key each.
    list: index,
    load(id) {
      const meta = index().find((c) => c.id === id);
      if (!meta) return null;
      const { format, ...rest } = meta; // the index's bookkeeping, not the conversation's
      return { ...rest, ...normalizeTranscript(get(`conv:${id}`, null)) };
    },
    save(conv) {
      const meta = {
        id: conv.id,
        conversationId: conv.conversationId || null,
        title: conv.title || "",
        updated: conv.updated || Date.now(),
        format: FORMAT,
      };
      set(`conv:${conv.id}`, { messages: conv.messages || [], inputs: conv.inputs || {}, format: FORMAT });
      const rest = index().filter((c) => c.id !== conv.id);
      set(
        "conversations",
        [meta, ...rest].sort((a, b) => b.updated - a.updated),
      );
    },
    rename(id, title) {
      set(
        "conversations",
        index().map((c) => (c.id === id ? { ...c, title } : c)),
      );
    },
    delete(id) {
      remove(`conv:${id}`);
      set(
        "conversations",
        index().filter((c) => c.id !== id),
      );
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
